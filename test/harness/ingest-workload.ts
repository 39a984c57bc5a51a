// A reproducible stream of Kafka messages for the ingest tests and the benchmark: valid events
// (raw ids in several spellings and idHash forms of the same people, duplicates, resends), malformed
// messages of every dead-letter kind and tombstones, with the exact counts the monitor must reach,
// computed here independently of the monitor.
import { pseudonymise } from '@pi-egress/domain';
import type { DeadLetterCode } from '@pi-egress/ingest';
import type { ScopeLevel } from '@pi-egress/store';

export const WORKLOAD_YEAR = 2026;

export interface WorkloadOptions {
  /** Subject records over the distinct valid events. */
  subjectRecords: number;
  subjectKey: string;
  /** The ingest's EGRESS_MAX_MESSAGE_BYTES: oversized messages are made just above it. */
  maxMessageBytes: number;
  subjectsPerEvent?: number;
  /** Distinct people drawn from (default 60 % of the records, so people recur across events). */
  people?: number;
  malformed?: number;
  tombstones?: number;
  /** Share of events produced twice in a row, and of events resent at the end of the stream. */
  duplicateRate?: number;
  resendRate?: number;
  processorId?: string;
  certificateId?: string;
  groupId?: string;
  seed?: number;
}

export interface WorkloadMessage {
  key: string | null;
  value: Buffer | null;
}

export interface ScopeTruth {
  level: ScopeLevel;
  scopeId: string;
  counts: { nonSensitive: number; sensitive: number };
}

export interface Workload {
  messages: WorkloadMessage[];
  /** Key of each malformed message → the dead-letter reason expected for it. */
  malformed: Map<string, DeadLetterCode>;
  truth: ScopeTruth[];
  processorId: string;
  groupId: string;
  /** The certificate the workload's transfers are made under (its processor's). */
  certificateId: string;
  /** Distinct valid events, and the subject records they carry. */
  events: number;
  subjectRecords: number;
}

const MALFORMED_KINDS: readonly DeadLetterCode[] = [
  'not_json',
  'not_utf8',
  'schema',
  'oversized',
  'future_timestamp',
  'occurred_at_out_of_range',
  'invalid_text',
];
const NON_SENSITIVE = ['name', 'email'];
const BOTH = ['name', 'health'];
type Mechanism = 'certification' | 'standard_contract' | 'exempt';

/** Deterministic PRNG (mulberry32): the same seed gives the same stream. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ClassSets = { nonSensitive: Set<number>; sensitive: Set<number> };
const classSets = (): ClassSets => ({ nonSensitive: new Set(), sensitive: new Set() });

export function buildWorkload(options: WorkloadOptions): Workload {
  const perEvent = options.subjectsPerEvent ?? 100;
  const people = options.people ?? Math.max(1, Math.floor(options.subjectRecords * 0.6));
  const processorId = options.processorId ?? 'P-KAFKA';
  const certificateId = options.certificateId ?? 'CERT-KAFKA';
  const groupId = options.groupId ?? 'G-KAFKA';
  const rand = random(options.seed ?? 1);
  const tag = `${processorId}-${options.seed ?? 1}`;
  const processorSets = classSets();
  const certificateSets = classSets();
  const messages: WorkloadMessage[] = [];
  const resends: WorkloadMessage[] = [];
  const base = (eventId: string, mechanism: Mechanism) => ({
    eventId,
    occurredAt: `${WORKLOAD_YEAR}-03-15T10:00:00+08:00`,
    processorId,
    ...(mechanism === 'certification' ? { certificateId } : {}),
    mechanism,
    ...(mechanism === 'exempt' ? { exemptionBasis: 'contract_necessity' } : {}),
    recipient: { id: 'R1', country: 'DE' },
    purpose: 'customer_support',
  });

  let remaining = options.subjectRecords;
  let events = 0;
  for (let e = 0; remaining > 0; e++) {
    const count = Math.min(perEvent, remaining);
    remaining -= count;
    events += 1;
    const mechanism: Mechanism = e % 4 === 3 ? 'exempt' : e % 4 === 2 ? 'standard_contract' : 'certification';
    const categories = e % 3 === 0 ? BOTH : NON_SENSITIVE;
    const subjects = [];
    for (let s = 0; s < count; s++) {
      const person = Math.floor(rand() * people);
      const canonical = `person-${person}@example.com`;
      // The same person arrives as a raw id, a raw id in another spelling, or an idHash.
      const form = (e + s) % 3;
      const own = rand() < 0.05 ? ['health'] : undefined;
      subjects.push({
        ...(form === 0
          ? { id: canonical }
          : form === 1
            ? { id: `  PERSON-${person}@Example.COM ` }
            : { idHash: pseudonymise(canonical, options.subjectKey).toUpperCase() }),
        ...(own ? { categories: own } : {}),
      });
      if (mechanism === 'exempt') continue;
      const classes = own ? ['sensitive' as const] : categories === BOTH ? (['nonSensitive', 'sensitive'] as const) : (['nonSensitive'] as const);
      for (const dataClass of classes) {
        processorSets[dataClass].add(person);
        if (mechanism === 'certification') certificateSets[dataClass].add(person);
      }
    }
    const eventId = `evt-${tag}-${e}`;
    const value = Buffer.from(JSON.stringify({ ...base(eventId, mechanism), categories, subjects }));
    // SPEC §3: the key is the eventId or the processor id.
    const message = { key: e % 50 === 0 ? processorId : eventId, value };
    messages.push(message);
    if (rand() < (options.duplicateRate ?? 0.05)) messages.push(message);
    // A resend may use the other key, so it can land on another partition than the first copy.
    if (rand() < (options.resendRate ?? 0.05)) resends.push({ key: e % 2 === 0 ? eventId : processorId, value });
  }
  messages.push(...resends);

  const malformed = new Map<string, DeadLetterCode>();
  const insertAtRandom = (message: WorkloadMessage) => messages.splice(Math.floor(rand() * (messages.length + 1)), 0, message);
  for (let i = 0; i < (options.malformed ?? 0); i++) {
    const kind = MALFORMED_KINDS[i % MALFORMED_KINDS.length]!;
    const key = `bad-${tag}-${kind}-${i}`;
    malformed.set(key, kind);
    insertAtRandom({ key, value: malformedValue(kind, key, base(key, 'standard_contract'), options.maxMessageBytes) });
  }
  for (let i = 0; i < (options.tombstones ?? 0); i++) insertAtRandom({ key: `tombstone-${tag}-${i}`, value: null });

  const sizes = (sets: ClassSets) => ({ nonSensitive: sets.nonSensitive.size, sensitive: sets.sensitive.size });
  return {
    messages,
    malformed,
    processorId,
    groupId,
    certificateId,
    events,
    subjectRecords: options.subjectRecords,
    truth: [
      { level: 'processor', scopeId: processorId, counts: sizes(processorSets) },
      { level: 'certificate', scopeId: certificateId, counts: sizes(certificateSets) },
      { level: 'group', scopeId: groupId, counts: sizes(processorSets) },
    ],
  };
}

/** A message that must be dead-lettered with `kind`; a raw subject id is inside, never in the reason. */
function malformedValue(kind: DeadLetterCode, key: string, event: Record<string, unknown>, maxMessageBytes: number): Buffer {
  const valid = { ...event, categories: ['name'], subjects: [{ id: `secret-${key}@example.com` }] };
  switch (kind) {
    case 'not_json':
      return Buffer.from(JSON.stringify(valid).slice(0, -3));
    case 'not_utf8':
      return Buffer.concat([Buffer.from(JSON.stringify(valid).slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    case 'schema':
      return Buffer.from(JSON.stringify({ ...valid, subjects: [{ id: `secret-${key}@example.com`, idHash: 'not-a-hash' }] }));
    case 'oversized': {
      // Just above the limit: the mock broker keeps only ~5 MB per partition.
      const subjects: Array<{ id: string }> = [];
      let value = Buffer.alloc(0);
      while (value.length <= maxMessageBytes) {
        for (let i = 0; i < 50; i++) subjects.push({ id: `p${subjects.length}-${key}@x.io` });
        value = Buffer.from(JSON.stringify({ ...valid, subjects }));
      }
      return value;
    }
    case 'future_timestamp':
      return Buffer.from(JSON.stringify({ ...valid, occurredAt: new Date(Date.now() + 24 * 3600_000).toISOString() }));
    case 'occurred_at_out_of_range':
      return Buffer.from(JSON.stringify({ ...valid, occurredAt: '1969-12-31T23:59:59Z' }));
    case 'invalid_text':
      // A lone surrogate is legal in JSON text but has no UTF-8 form (JSON.stringify escapes it as \ud800).
      return Buffer.from(JSON.stringify({ ...valid, recipient: { id: 'R\ud800', country: 'DE' } }));
    default:
      throw new Error(`no malformed message of kind ${kind}`);
  }
}
