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

export const HOSTILE_KINDS = [
  'lone surrogate in eventId',
  'lone surrogate in processorId',
  'lone surrogate in system',
  'lone surrogate in recipient.id',
  'occurredAt before 1970',
  'NUL in ids',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** A valid event and what to do once the monitor acknowledged it: count it in the truth. */
export interface AcknowledgeableEvent {
  event: { eventId: string; processorId: string } & Record<string, unknown>;
  acknowledge(): void;
}

export class EventSource {
  readonly truth = new Truth();
  readonly malformed = new Map<string, MalformedKind>();
  hostileSent = 0;
  private sequence = 0;
  private uniquePersons = 0;
  private readonly sent: FaultMessage[] = [];

  constructor(
    private readonly subjectKey: string,
    private readonly maxMessageBytes: number,
  ) {}

  /** One valid event for Kafka, counted in the truth at once (the broker acknowledged it); `skew`: 'late' (last year, 23:00 on 31 December China time) or 'ahead' (4 minutes in the future). */
  valid(skew: 'none' | 'late' | 'ahead' = 'none'): FaultMessage {
    const n = this.sequence++;
    const built = this.build(
      `fault-${n}`,
      n,
      skew,
      Array.from({ length: 1 + (n % 20) }, () => Math.floor(Math.random() * PEOPLE)),
    );
    built.acknowledge();
    const message = { key: n % 2 === 0 ? built.event.eventId : built.event.processorId, value: Buffer.from(JSON.stringify(built.event)) };
    this.sent.push(message);
    return message;
  }

  /**
   * One valid event for HTTP ingest, counted in the truth only when the monitor acknowledges it:
   * half its people from the shared pool (also sent over Kafka), half seen nowhere else, so a batch
   * that fails yet counts its people shows up as double-counted.
   */
  httpValid(): AcknowledgeableEvent {
    const n = this.sequence++;
    const persons = Array.from({ length: 1 + (n % 20) }, (_, i) =>
      i % 2 === 0 ? Math.floor(Math.random() * PEOPLE) : PEOPLE + this.uniquePersons++,
    );
    return this.build(`http-${n}`, n, 'none', persons);
  }

  /**
   * An event the monitor must reject on its own (issue 14's hostile inputs): otherwise valid, with
   * people seen nowhere else, so counting any of them shows up as double-counted.
   */
  hostile(): { kind: HostileKind; event: Record<string, unknown> } {
    const n = this.sequence++;
    const kind = HOSTILE_KINDS[n % HOSTILE_KINDS.length]!;
    const { event } = this.build(`hostile-${n}`, n, 'none', [PEOPLE + this.uniquePersons++, PEOPLE + this.uniquePersons++]);
    this.hostileSent += 1;
    const surrogate = (value: string) => `${value}\ud800`;
    const recipient = event.recipient as Record<string, unknown>;
    switch (kind) {
      case 'lone surrogate in eventId':
        return { kind, event: { ...event, eventId: surrogate(event.eventId) } };
      case 'lone surrogate in processorId':
        return { kind, event: { ...event, processorId: surrogate(event.processorId) } };
      case 'lone surrogate in system':
        return { kind, event: { ...event, system: surrogate('crm') } };
      case 'lone surrogate in recipient.id':
        return { kind, event: { ...event, recipient: { ...recipient, id: surrogate('R1') } } };
      case 'occurredAt before 1970':
        return { kind, event: { ...event, occurredAt: n % 2 === 0 ? '1969-12-31T23:59:59Z' : '0001-01-01T00:00:00Z' } };
      case 'NUL in ids':
        return { kind, event: { ...event, eventId: `${event.eventId}\u0000`, recipient: { ...recipient, id: 'R\u00001' } } };
    }
  }

  private build(eventId: string, n: number, skew: 'none' | 'late' | 'ahead', persons: readonly number[]): AcknowledgeableEvent {
    const processor = PROCESSORS[n % PROCESSORS.length]!;
    const now = Date.now();
    const thisYear = yearOf(new Date(now));
    const occurredAt =
      skew === 'late' ? `${thisYear - 1}-12-31T23:00:00+08:00` : new Date(skew === 'ahead' ? now + 4 * 60_000 : now - 1_000).toISOString();
    const exempt = n % 10 === 9;
    const mechanism = exempt ? 'exempt' : processor.certificateId ? 'certification' : 'standard_contract';
    const sensitive = n % 3 === 0;
    const event = {
      eventId,
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
    const acknowledge = () => {
      this.truth.eventIds.add(event.eventId);
      if (exempt) return;
      const year = skew === 'late' ? thisYear - 1 : yearOf(new Date(occurredAt));
      const scopes: ScopeYear[] = [
        { level: 'processor' as ScopeLevel, scopeId: processor.processorId, year },
        { level: 'group' as ScopeLevel, scopeId: processor.groupId, year },
        ...(mechanism === 'certification' ? [{ level: 'certificate' as ScopeLevel, scopeId: processor.certificateId!, year }] : []),
      ];
      const classes: DataClass[] = sensitive ? ['nonSensitive', 'sensitive'] : ['nonSensitive'];
      this.truth.record(scopes, persons, classes);
    };
    return { event, acknowledge };
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
