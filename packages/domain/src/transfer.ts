import { yearOf } from './calendar.js';
import type { CategoryCatalogue, Classification } from './catalogue.js';
import type { DataClass } from './classes.js';
import { sortClasses } from './classes.js';
import { citedInstrumentId, type Channel, type EgressEvent } from './event.js';
import { instrumentKind } from './instrument.js';
import type { OutOfScopeReason } from './outOfScope.js';
import { eventCategoryCodes, outOfScopeReasons } from './outOfScope.js';
import { versionInForce, type ScopeVersion } from './scope-versions.js';
import { subjectHash, type NormaliseOptions } from './subject.js';
import { isDomesticRecipient } from './fields.js';

/** Per-processor (legal entity) settings: the one source of group membership. */
export interface ProcessorSettings {
  processorId: string;
  /** Anti-splitting group (SPEC §2, Art. 5 last para.). */
  groupId?: string;
  /** Count exempt transfers toward N/S anyway (SPEC §2 option). */
  countExempt: boolean;
  /** CII operators always need a security assessment (PIPL Art. 40). */
  ciiOperator: boolean;
}

/** The settings of a processor never declared: no group, exempt transfers not counted, not CII. */
export function defaultProcessorSettings(processorId: string): ProcessorSettings {
  return { processorId, countExempt: false, ciiOperator: false };
}

/**
 * Whose certificate a certification transfer cites: its own processor's (`own`: counts against
 * it), another processor's (`foreign`: out of scope, never counted against it) or one not declared
 * yet (`pending`: judged, and counted against it, once it is declared).
 */
export type CertificateOwnership = 'own' | 'foreign' | 'pending';

export interface PreparedSubject {
  /** Pseudonym; never the raw id. */
  idHash: string;
  classes: readonly DataClass[];
}

/** An accepted event reduced to what is stored and counted. Holds no raw subject id. */
export interface PreparedTransfer {
  eventId: string;
  occurredAt: Date;
  /** Counting year (China time) of occurredAt. */
  year: number;
  processorId: string;
  /**
   * The instrument the transfer cites (its certificate under certification, its SCC filing or SA
   * approval otherwise); null when none. Named for the certificates it held first.
   */
  certificateId: string | null;
  /** Set with certificateId: whether it counts against that instrument. */
  certificateOwnership: CertificateOwnership | null;
  /** effectiveFrom (ISO) of the scope version that judged it; null when none did. */
  scopeVersion: string | null;
  /** The processor's group (its settings are the one source of membership). */
  groupId: string | null;
  mechanism: EgressEvent['mechanism'];
  channel: Channel;
  exemptionBasis: string | null;
  system: string | null;
  recipientId: string;
  recipientCountry: string;
  purpose: string;
  /** Distinct codes used: the transfer's then any subject's own. */
  categories: string[];
  importantData: boolean;
  /** Recipient in mainland China (CN): not an outbound transfer, never counted, never out of scope. */
  domestic: boolean;
  /** False for domestic transfers, and for exempt ones unless the processor counts them (SPEC §2). */
  counted: boolean;
  unknownCategories: string[];
  outOfScopeReasons: OutOfScopeReason[];
  /** Union over subjects. */
  classes: DataClass[];
  /** Deduplicated by idHash within the event (classes merged), in first-seen order. */
  subjects: PreparedSubject[];
}

export interface PrepareContext {
  key: string | Buffer;
  catalogue: CategoryCatalogue;
  /** The cited certificate's versions in timeline order (versionTimeline); none: not declared yet. */
  versions?: readonly ScopeVersion[] | undefined;
  processor?: ProcessorSettings | undefined;
  /** Region of national phone numbers in raw subject ids (default CN). */
  phoneRegion?: NormaliseOptions['phoneRegion'];
}

/**
 * The version a transfer is judged against, and whether it counts against the instrument it cites:
 * only its own processor's, of the kind its mechanism names (`foreign` otherwise).
 */
export function judgeAgainst(
  transfer: { mechanism: string; processorId: string; occurredAt: Date; instrumentId: string | null },
  versions: readonly ScopeVersion[] | undefined,
): { version: ScopeVersion | undefined; ownership: CertificateOwnership | null } {
  if (transfer.mechanism === 'exempt' || transfer.instrumentId === null) return { version: undefined, ownership: null };
  const version = versions && versions.length > 0 ? versionInForce(versions, transfer.occurredAt) : undefined;
  if (!version) return { version: undefined, ownership: 'pending' };
  const own = version.certificate.processorId === transfer.processorId && instrumentKind(version.certificate) === transfer.mechanism;
  return { version, ownership: own ? 'own' : 'foreign' };
}

/**
 * Turns a valid event into a {@link PreparedTransfer}: pseudonymises subjects, classifies them via
 * the catalogue (a subject's own categories replace the transfer's for it; unknown codes count as
 * sensitive), judges it against the scope version in force when it occurred, and decides whether
 * and where it counts. Used by HTTP and Kafka ingest. `groupId` comes from the processor settings
 * alone; settings of another processor are ignored.
 */
export function prepareTransfer(event: EgressEvent, ctx: PrepareContext): PreparedTransfer {
  const { catalogue } = ctx;
  // Settings of another processor say nothing about this transfer.
  const processor = ctx.processor?.processorId === event.processorId ? ctx.processor : undefined;
  const transferClassification = catalogue.classify(event.categories);
  const unknown = new Set<string>();
  const ownCache = new Map<string, Classification>();

  // A person's classes: the classification's own sorted array, merged only when the person repeats.
  const bySubject = new Map<string, DataClass[]>();
  for (const subject of event.subjects) {
    let classification = transferClassification;
    if (subject.categories === undefined) {
      for (const code of transferClassification.unknown) unknown.add(code);
    } else {
      const cacheKey = subject.categories.join('\u0000');
      classification = ownCache.get(cacheKey) ?? catalogue.classify(subject.categories);
      ownCache.set(cacheKey, classification);
      for (const code of classification.unknown) unknown.add(code);
    }
    const idHash = subjectHash(subject, ctx.key, ctx);
    const seen = bySubject.get(idHash);
    bySubject.set(idHash, seen === undefined ? classification.classes : sortClasses([...seen, ...classification.classes]));
  }

  const subjects: PreparedSubject[] = [];
  const all = new Set<DataClass>();
  let lastClasses: DataClass[] | undefined;
  for (const [idHash, classes] of bySubject) {
    subjects.push({ idHash, classes });
    if (classes === lastClasses) continue;
    lastClasses = classes;
    for (const c of classes) all.add(c);
  }

  const occurredAt = new Date(event.occurredAt);
  const domestic = isDomesticRecipient(event.recipient);
  const instrumentId = citedInstrumentId(event);
  const { version, ownership } = judgeAgainst({ mechanism: event.mechanism, processorId: event.processorId, occurredAt, instrumentId }, ctx.versions);
  return {
    eventId: event.eventId,
    occurredAt,
    year: yearOf(occurredAt),
    processorId: event.processorId,
    certificateId: instrumentId,
    certificateOwnership: ownership,
    scopeVersion: version ? version.effectiveFrom.toISOString() : null,
    groupId: processor?.groupId ?? null,
    mechanism: event.mechanism,
    channel: event.channel,
    exemptionBasis: event.exemptionBasis ?? null,
    system: event.system ?? null,
    recipientId: event.recipient.id,
    recipientCountry: event.recipient.country,
    purpose: event.purpose,
    categories: eventCategoryCodes(event),
    importantData: event.importantData,
    domestic,
    counted: !domestic && (event.mechanism !== 'exempt' || processor?.countExempt === true),
    unknownCategories: [...unknown],
    outOfScopeReasons: domestic ? [] : outOfScopeReasons(event, version?.certificate),
    classes: sortClasses(all),
    subjects,
  };
}
