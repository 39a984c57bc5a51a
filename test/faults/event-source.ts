// The campaign's stream: valid events in every accepted shape (raw ids in several spellings and
// idHash forms of the same people, resends, late events of last year, events up to 4 minutes in
// the future), and messages that must be dead-lettered (bad JSON or UTF-8, schema, oversized,
// beyond the 5-minute clock skew). Each valid counted event is recorded in the truth.
import { pseudonymise, yearOf } from '@pi-egress/domain';
import type { ScopeLevel } from '@pi-egress/store';
import { Truth, type DataClass, type ScopeYear } from './truth.js';

export interface FaultMessage {
  key: string;
  value: Buffer;
}

export interface ProcessorSetup {
  processorId: string;
  groupId: string;
  certificateId?: string;
}

export const PROCESSORS: readonly ProcessorSetup[] = [
  { processorId: 'P-FAULT-1', groupId: 'G-FAULT', certificateId: 'C-FAULT-1' },
  { processorId: 'P-FAULT-2', groupId: 'G-FAULT' },
];

const PEOPLE = 40_000;
const MALFORMED_KINDS = ['not_json', 'not_utf8', 'schema', 'oversized', 'future_timestamp'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export class EventSource {
  readonly truth = new Truth();
  readonly malformed = new Map<string, MalformedKind>();
  private sequence = 0;
  private readonly sent: FaultMessage[] = [];

  constructor(
    private readonly subjectKey: string,
    private readonly maxMessageBytes: number,
  ) {}

  /** One valid event; `skew`: 'late' (last year, 23:00 on 31 December China time) or 'ahead' (4 minutes in the future). */
  valid(skew: 'none' | 'late' | 'ahead' = 'none'): FaultMessage {
    const n = this.sequence++;
    const processor = PROCESSORS[n % PROCESSORS.length]!;
    const now = Date.now();
    const thisYear = yearOf(new Date(now));
    const occurredAt =
      skew === 'late' ? `${thisYear - 1}-12-31T23:00:00+08:00` : new Date(skew === 'ahead' ? now + 4 * 60_000 : now - 1_000).toISOString();
    const exempt = n % 10 === 9;
    const mechanism = exempt ? 'exempt' : processor.certificateId ? 'certification' : 'standard_contract';
    const sensitive = n % 3 === 0;
    const persons = Array.from({ length: 1 + (n % 20) }, () => Math.floor(Math.random() * PEOPLE));
    const event = {
      eventId: `fault-${n}`,
      occurredAt,
      processorId: processor.processorId,
      ...(mechanism === 'certification' ? { certificateId: processor.certificateId } : {}),
      mechanism,
      ...(exempt ? { exemptionBasis: 'contract_necessity' } : {}),
      recipient: { id: 'R1', country: 'DE' },
      purpose: 'customer_support',
      categories: sensitive ? ['name', 'health'] : ['name', 'email'],
      subjects: persons.map((person, i) => this.subject(person, n + i)),
    };
    this.truth.eventIds.add(event.eventId);
    if (!exempt) {
      const year = skew === 'late' ? thisYear - 1 : yearOf(new Date(occurredAt));
      const scopes: ScopeYear[] = [
        { level: 'processor' as ScopeLevel, scopeId: processor.processorId, year },
        { level: 'group' as ScopeLevel, scopeId: processor.groupId, year },
        ...(mechanism === 'certification' ? [{ level: 'certificate' as ScopeLevel, scopeId: processor.certificateId!, year }] : []),
      ];
      const classes: DataClass[] = sensitive ? ['nonSensitive', 'sensitive'] : ['nonSensitive'];
      this.truth.record(scopes, persons, classes);
    }
    const message = { key: n % 2 === 0 ? event.eventId : processor.processorId, value: Buffer.from(JSON.stringify(event)) };
    this.sent.push(message);
    return message;
  }

  /** A message produced before, produced again (a producer retry): counted once. */
  resend(): FaultMessage | undefined {
    return this.sent[Math.floor(Math.random() * this.sent.length)];
  }

  /** The same person as a raw e-mail, the same e-mail in other case and spacing, or its idHash. */
  private subject(person: number, variant: number): { id: string } | { idHash: string } {
    const email = `person-${person}@faults.example`;
    if (variant % 3 === 0) return { id: email };
    if (variant % 3 === 1) return { id: `  ${email.toUpperCase()} ` };
    return { idHash: pseudonymise(email, this.subjectKey) };
  }

  /** A message that must go to the dead-letter topic, never counted. */
  bad(): FaultMessage {
    const n = this.sequence++;
    const kind = MALFORMED_KINDS[n % MALFORMED_KINDS.length]!;
    const key = `bad-${n}-${kind}`;
    this.malformed.set(key, kind);
    const event = {
      eventId: key,
      occurredAt: new Date().toISOString(),
      processorId: 'P-FAULT-1',
      mechanism: 'standard_contract',
      recipient: { id: 'R1', country: 'DE' },
      purpose: 'customer_support',
      categories: ['name'],
      subjects: [{ id: `never-counted-${n}@faults.example` }],
    };
    const json = JSON.stringify(event);
    switch (kind) {
      case 'not_json':
        return { key, value: Buffer.from(json.slice(0, -2)) };
      case 'not_utf8':
        return { key, value: Buffer.concat([Buffer.from(json.slice(0, 30)), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]) };
      case 'schema':
        return { key, value: Buffer.from(JSON.stringify({ ...event, subjects: [] })) };
      case 'oversized':
        return { key, value: Buffer.from(JSON.stringify({ ...event, purpose: 'x'.repeat(this.maxMessageBytes) })) };
      case 'future_timestamp':
        return { key, value: Buffer.from(JSON.stringify({ ...event, occurredAt: new Date(Date.now() + 3600_000).toISOString() })) };
    }
  }
}
