import { createReadStream, statSync } from 'node:fs';
import { Partitioners, type Kafka, type KafkaMessage, type Message } from 'kafkajs';
import pRetry, { AbortError } from 'p-retry';
import { withoutDeadLetterHeaders } from './dead-letters.js';
import { readTopicToEnd } from './topic-reader.js';

/** Called after each step of a replay: how far it got, in the unit of `total`. */
export type ProgressListener = (done: number, total: number) => void;

export interface DeadLetterReplayOptions {
  kafka: Kafka;
  dlqTopic: string;
  topic: string;
  /** Only dead letters written to the DLQ at or after this time (the others are skipped). */
  since?: Date;
  onProgress?: ProgressListener;
}

export interface DeadLetterReplayResult {
  replayed: number;
  skipped: number;
}

/**
 * Sends the dead letters back into the main topic, once their producer fixed what made them fail
 * (or the monitor's limits changed): original key and value, original headers without the x-dlq
 * ones. Reads the DLQ up to its end offsets at the start, so dead letters that the replay itself
 * causes are not replayed again. Replaying twice is harmless: eventIds are idempotency keys.
 */
export async function replayDeadLetters(options: DeadLetterReplayOptions): Promise<DeadLetterReplayResult> {
  const { kafka, since } = options;
  const result: DeadLetterReplayResult = { replayed: 0, skipped: 0 };
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await readTopicToEnd({
      kafka,
      topic: options.dlqTopic,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      handle: async (messages) => {
        const wanted = messages.filter((m) => since === undefined || Number(m.timestamp) >= since.getTime());
        if (wanted.length > 0) await producer.send({ topic: options.topic, acks: -1, messages: wanted.map(originalMessage) });
        result.replayed += wanted.length;
        result.skipped += messages.length - wanted.length;
      },
    });
  } finally {
    await producer.disconnect();
  }
  return result;
}

function originalMessage(message: KafkaMessage): Message {
  return { key: message.key, value: message.value, headers: withoutDeadLetterHeaders(message.headers) };
}

/** Where replayed NDJSON lines go: the Kafka topic, or the monitor's `POST /v1/events`. */
export interface EventSink {
  send(lines: Buffer[]): Promise<SinkReport>;
  close(): Promise<void>;
}

/** What the monitor said about a batch (HTTP); Kafka only acknowledges that it stored the messages. */
export interface SinkReport {
  accepted?: number;
  duplicates?: number;
  rejected?: Array<{ index: number; eventId?: string; reason: string }>;
}

/** Messages keyed by eventId (SPEC §3) when the line has one, so a resent event meets its first copy. */
export function kafkaSink(kafka: Kafka, topic: string): EventSink {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  let connected: Promise<void> | undefined;
  return {
    async send(lines) {
      await (connected ??= producer.connect());
      await producer.send({ topic, acks: -1, messages: lines.map((value) => ({ key: eventIdOf(value) ?? null, value })) });
      return {};
    },
    close: () => producer.disconnect(),
  };
}

function eventIdOf(line: Buffer): string | undefined {
  try {
    const value = JSON.parse(line.toString('utf8')) as { eventId?: unknown };
    return typeof value?.eventId === 'string' ? value.eventId : undefined;
  } catch {
    return undefined;
  }
}

/** NDJSON batches to the monitor's HTTP ingest (token with role `ingest`), retried on network errors and 5xx. */
export function httpSink(baseUrl: string, token: string): EventSink {
  const url = new URL('/v1/events', baseUrl);
  return {
    send: (lines) =>
      pRetry(
        async () => {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
            body: Buffer.concat(lines.flatMap((line) => [line, NEWLINE])),
          });
          const text = await response.text();
          if (!response.ok) {
            const error = new Error(`POST ${url.pathname} answered ${response.status}: ${text.slice(0, 500)}`);
            if (response.status < 500) throw new AbortError(error);
            throw error;
          }
          return JSON.parse(text) as SinkReport;
        },
        { retries: 5, minTimeout: 500 },
      ),
    close: async () => undefined,
  };
}

const NEWLINE = Buffer.from('\n');

export interface FileReplayOptions {
  file: string;
  sink: EventSink;
  /** Lines per request or produce call. */
  batchSize?: number;
  /** Upper bound of the bytes of one batch (HTTP bodies are limited, 32 MB by default). */
  batchBytes?: number;
  /** Progress in bytes of the file. */
  onProgress?: ProgressListener;
}

export interface FileReplayResult {
  lines: number;
  accepted: number;
  duplicates: number;
  /** Line numbers (1-based) refused by the monitor, with the reason (HTTP only). */
  rejected: Array<{ line: number; eventId?: string; reason: string }>;
}

/** Sends an NDJSON file of events in batches. Blank lines are skipped; other lines are sent byte for byte. */
export async function replayNdjsonFile(options: FileReplayOptions): Promise<FileReplayResult> {
  const { sink, batchSize = 500, batchBytes = 8 * 1024 * 1024, onProgress } = options;
  const total = statSync(options.file).size;
  const result: FileReplayResult = { lines: 0, accepted: 0, duplicates: 0, rejected: [] };
  let batch: Array<{ line: Buffer; number: number }> = [];
  let bytes = 0;
  let readBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const report = await sink.send(batch.map((entry) => entry.line));
    result.accepted += report.accepted ?? 0;
    result.duplicates += report.duplicates ?? 0;
    for (const { index, eventId, reason } of report.rejected ?? []) {
      result.rejected.push({ line: batch[index]?.number ?? -1, ...(eventId ? { eventId } : {}), reason });
    }
    result.lines += batch.length;
    batch = [];
    bytes = 0;
    onProgress?.(readBytes, total);
  };
  try {
    for await (const { line, number, end } of readLines(options.file)) {
      readBytes = end;
      if (line.toString('latin1').trim() === '') continue;
      if (batch.length > 0 && (batch.length >= batchSize || bytes + line.length > batchBytes)) await flush();
      batch.push({ line, number });
      bytes += line.length + 1;
    }
    readBytes = total;
    await flush();
  } finally {
    await sink.close();
  }
  return result;
}

/** The raw lines of a file (no decoding: a replay must not alter bytes), with 1-based numbers. */
async function* readLines(file: string): AsyncGenerator<{ line: Buffer; number: number; end: number }> {
  let pending: Buffer = Buffer.alloc(0);
  let number = 0;
  let consumed = 0;
  for await (const chunk of createReadStream(file)) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let newline: number;
    while ((newline = pending.indexOf(0x0a)) >= 0) {
      number += 1;
      consumed += newline + 1;
      yield { line: stripCr(pending.subarray(0, newline)), number, end: consumed };
      pending = pending.subarray(newline + 1);
    }
  }
  if (pending.length > 0) yield { line: stripCr(pending), number: number + 1, end: consumed + pending.length };
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
}
