#!/usr/bin/env node
// pi-egress-producer: compute idHash values and build valid egress events (NDJSON on stdout).
import { MECHANISMS, phoneRegion, type EgressEventInput, type NormaliseOptions } from '@pi-egress/domain';
import { runSubcommand } from '@pi-egress/config/cli';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildEvent, subjectIdHash } from './event-builder.js';

const USAGE = `Usage:
  pi-egress-producer hash [--key-file <file>] < ids.txt
      One raw subject id per input line → its idHash per output line (same normalisation and
      HMAC key as the monitor). Prefer stdin: ids given as arguments show in the process list.
  pi-egress-producer event --processor <id> --mechanism <${MECHANISMS.join('|')}>
      [--certificate <id>] [--instrument <id>] [--channel <transfer|remote_access>]
      [--exemption-basis <basis>] --recipient <id>:<country> --purpose <text>
      --categories <code,code> [--system <id>] [--important-data] [--event-id <id>]
      [--occurred-at <RFC 3339>] [--key-file <file>] < ids.txt
      One valid event on stdout; with a key (EGRESS_SUBJECT_KEY or --key-file) the subjects are sent
      as idHash, so raw ids never leave the producer.

The key is read from EGRESS_SUBJECT_KEY or from --key-file, never from the command line. National
phone numbers are read in EGRESS_PHONE_REGION (default CN), which must match the monitor's.`;

function normaliseOptions(): NormaliseOptions {
  return { phoneRegion: phoneRegion(process.env.EGRESS_PHONE_REGION || 'CN') };
}

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}

function subjectKey(keyFile: string | undefined): string | undefined {
  if (keyFile) return readFileSync(keyFile, 'utf8').trim();
  return process.env.EGRESS_SUBJECT_KEY || undefined;
}

async function hashCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'key-file': { type: 'string' } } });
  const key = subjectKey(values['key-file']);
  if (!key) throw new Error('hash needs the subject key: EGRESS_SUBJECT_KEY or --key-file');
  const ids = positionals.length > 0 ? positionals : await readStdinLines();
  const options = normaliseOptions();
  for (const id of ids) process.stdout.write(`${subjectIdHash(id, key, options)}\n`);
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`event needs --${flag}`);
  return value;
}

async function eventCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      processor: { type: 'string' },
      mechanism: { type: 'string' },
      certificate: { type: 'string' },
      instrument: { type: 'string' },
      channel: { type: 'string' },
      'exemption-basis': { type: 'string' },
      recipient: { type: 'string' },
      purpose: { type: 'string' },
      categories: { type: 'string' },
      system: { type: 'string' },
      'important-data': { type: 'boolean', default: false },
      'event-id': { type: 'string' },
      'occurred-at': { type: 'string' },
      'key-file': { type: 'string' },
    },
  });
  const recipient = required(values.recipient, 'recipient');
  const split = recipient.lastIndexOf(':');
  if (split <= 0) throw new Error('--recipient must be <id>:<country>, e.g. R1:DE');
  const ids = await readStdinLines();
  const key = subjectKey(values['key-file']);
  const draft = {
    processorId: required(values.processor, 'processor'),
    mechanism: required(values.mechanism, 'mechanism') as EgressEventInput['mechanism'],
    recipient: { id: recipient.slice(0, split), country: recipient.slice(split + 1) },
    purpose: required(values.purpose, 'purpose'),
    categories: required(values.categories, 'categories').split(','),
    importantData: values['important-data'],
    subjects: ids.map((id) => ({ id })),
    ...(values.certificate ? { certificateId: values.certificate } : {}),
    ...(values.instrument ? { instrumentId: values.instrument } : {}),
    ...(values.channel ? { channel: values.channel as EgressEventInput['channel'] } : {}),
    ...(values['exemption-basis'] ? { exemptionBasis: values['exemption-basis'] as EgressEventInput['exemptionBasis'] } : {}),
    ...(values.system ? { system: values.system } : {}),
    ...(values['event-id'] ? { eventId: values['event-id'] } : {}),
    ...(values['occurred-at'] ? { occurredAt: values['occurred-at'] } : {}),
  };
  process.stdout.write(`${JSON.stringify(buildEvent(draft, key ? { subjectKey: key, ...normaliseOptions() } : {}))}\n`);
}

await runSubcommand('pi-egress-producer', USAGE, { hash: hashCommand, event: eventCommand });
