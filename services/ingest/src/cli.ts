#!/usr/bin/env node
// Operator tools of the ingest service: replay a dead-letter topic or an NDJSON file.
import { parseEnv, runSubcommand } from '@pi-egress/config';
import { Kafka, logLevel } from 'kafkajs';
import { parseArgs } from 'node:util';
import { kafkaToolEnvSchema, parseBrokers } from './env.js';
import { formatBytes, progressPrinter } from './progress.js';
import { httpSink, kafkaSink, replayDeadLetters, replayNdjsonFile, type EventSink } from './replay.js';

const USAGE = `Usage:
  pi-egress-ingest replay-dlq [--since <ISO time>]
      Sends the dead letters (EGRESS_DLQ_TOPIC) back into EGRESS_TOPIC with their original key,
      value and headers (x-dlq-* removed), up to the DLQ's end at the start.
  pi-egress-ingest replay-file <events.ndjson> [--to kafka|http] [--url <monitor URL>] [--batch-size <n>]
      Sends an NDJSON file of events into EGRESS_TOPIC (default) or to the monitor's POST /v1/events
      (--to http; token with role ingest in EGRESS_INGEST_TOKEN, never on the command line).

Kafka settings come from KAFKA_BROKERS, KAFKA_CLIENT_ID, EGRESS_TOPIC and EGRESS_DLQ_TOPIC.`;

function kafkaFromEnv(): { kafka: Kafka; topic: string; dlqTopic: string } {
  const env = parseEnv(kafkaToolEnvSchema);
  const kafka = new Kafka({ clientId: `${env.KAFKA_CLIENT_ID}-replay`, brokers: parseBrokers(env.KAFKA_BROKERS), logLevel: logLevel.WARN });
  return { kafka, topic: env.EGRESS_TOPIC, dlqTopic: env.EGRESS_DLQ_TOPIC };
}

async function replayDlqCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { since: { type: 'string' } } });
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since: not a time: ${values.since}`);
  const { kafka, topic, dlqTopic } = kafkaFromEnv();
  const result = await replayDeadLetters({
    kafka,
    dlqTopic,
    topic,
    ...(since ? { since } : {}),
    onProgress: progressPrinter(`${dlqTopic} → ${topic}`),
  });
  console.log(JSON.stringify({ dlqTopic, topic, ...result }));
}

async function replayFileCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { to: { type: 'string', default: 'kafka' }, url: { type: 'string' }, 'batch-size': { type: 'string', default: '500' } },
  });
  const [file] = positionals;
  if (!file) throw new Error('replay-file needs the NDJSON file to send');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
  let sink: EventSink;
  if (values.to === 'http') {
    const token = process.env.EGRESS_INGEST_TOKEN;
    if (!values.url || !token) throw new Error('--to http needs --url and the EGRESS_INGEST_TOKEN environment variable');
    sink = httpSink(values.url, token);
  } else if (values.to === 'kafka') {
    const { kafka, topic } = kafkaFromEnv();
    sink = kafkaSink(kafka, topic);
  } else {
    throw new Error(`--to must be kafka or http, got ${values.to}`);
  }
  const result = await replayNdjsonFile({ file, sink, batchSize, onProgress: progressPrinter(file, formatBytes) });
  console.log(JSON.stringify(result));
  if (result.rejected.length > 0) process.exitCode = 3;
}

await runSubcommand('pi-egress-ingest', USAGE, { 'replay-dlq': replayDlqCommand, 'replay-file': replayFileCommand });
