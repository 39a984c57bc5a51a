import {
  DATA_CLASSES,
  pathwayFor,
  renewalStanding,
  signDocument,
  utilizationRatio,
  yearStart,
  instrumentCaps,
  instrumentKind,
  isCertificate,
  type Instrument,
  type ClassCounts,
  type DataClass,
  type Pathway,
  type RenewalStanding,
  type Signed,
} from '@pi-egress/domain';
import type {
  AlertHistoryEntry,
  AuditEntry,
  BreakdownDimension,
  BreakdownRow,
  ClassDigest,
  IncidentRecord,
  IncidentTransfer,
  ScopeKey,
  Store,
} from '@pi-egress/store';
import { ALERT_HISTORY_LIMIT } from '@pi-egress/store';
import type { EvidenceKey } from './evidence-key.js';

export const EVIDENCE_FORMAT = 'pi-egress-evidence/1';

/** What "as of" means, written into every pack so that a reader needs no other document. */
export const AS_OF_DEFINITION =
  'Persons: those the store had recorded for this certificate and year at or before asOf (earliest insertion, server clock); ' +
  'their first-seen time is the earliest occurredAt stored for them. Transfers, audit entries and alert transitions: those ' +
  'stored at or before asOf (audit and alerts from 1 January of the year). Scope: the latest version declared by asOf; ' +
  'scopeVersions lists every version declared by then, and each transfer was judged against the version in force when it ' +
  'occurred (its scopeVersion), as judged by asOf. Incidents: breaches opened by asOf, with acknowledgements made by then. Pathway: ' +
  "the processor's counts as of asOf with its current CII setting. Transfers of another processor citing this certificate " +
  'are not its transfers and are left out.';

/** How asOf is chosen when a pack is requested, said plainly in every pack (the same text whatever was requested, so the same asOf gives the same pack). */
export const AS_OF_RULE =
  'asOf is the instant requested. Without one it is the latest settled instant before the request: the server time less ' +
  'the settle time (EGRESS_COUNT_SETTLE_MS, 10 seconds by default), never past an insert still running, so events ' +
  'acknowledged in the last seconds before the request may not be included. With asOf=latest it is the instant of the ' +
  'request, taken once every insert that started before it had ended (waiting at most the settle time; if one is still ' +
  'running then, the latest settled instant), so everything acknowledged before the request is included.';

export const DIGEST_LINES = 'one line per person, ascending: 64 lower-case hex pseudonym, TAB, first-seen Unix milliseconds, LF';

export interface EvidenceClass {
  count: number;
  /** The declared cap (the ceiling for a standard contract declaring none); null for an assessment declaring none. */
  cap: number | null;
  /** count / cap; null for a zero cap already used, or without a cap. */
  utilization: number | null;
}

export interface EvidenceBreakdown {
  value: string;
  country?: string;
  transfers: number;
  subjectRecords: number;
  outOfScopeTransfers: number;
}

export interface EvidenceBody {
  format: typeof EVIDENCE_FORMAT;
  certificateId: string;
  processorId: string;
  groupId: string | null;
  year: number;
  asOf: string;
  definition: string;
  asOfRule: string;
  /** The declared scope; `kind` tells an instrument of another kind from a certificate (which has none). */
  scope: Omit<Instrument, 'certificateId' | 'processorId' | 'groupId'> & { declaredAt: string | null };
  /** A certificate's renewal: due date (validTo − 6 months), application date, late or not; null for the other kinds. */
  renewal: RenewalStanding | null;
  pathway: Pathway;
  processorCounts: ClassCounts;
  counts: Record<DataClass, EvidenceClass>;
  digest: { algorithm: 'SHA-256'; lines: string } & Record<DataClass, string>;
  monthlyNewIndividuals: Array<{ month: string } & ClassCounts>;
  /** Transfers outbound only: the breakdowns leave out transfers to recipients in mainland China, counted here apart. */
  breakdowns: Record<BreakdownDimension, EvidenceBreakdown[]>;
  /** Transfers to recipients in mainland China (CN): not outbound, never counted, recorded apart. */
  domesticTransfers: { transfers: number; subjectRecords: number };
  /** Every scope version declared by asOf: when it took effect and when it was declared. */
  scopeVersions: Array<{ effectiveFrom: string; declaredAt: string; scope: Omit<Instrument, 'certificateId' | 'processorId'> }>;
  /** Out-of-scope and unknown-category transfers, each with the scope version that judged it. */
  incidents: IncidentTransfer[];
  /** Breaches on record (open until acknowledged), with who acknowledged them, when and why. */
  incidentRecords: IncidentRecord[];
  /** The certificate's alert transitions of the year up to asOf, oldest first, at most the pack's alert-history limit. */
  alertHistory: AlertHistoryEntry[];
  /** Present only when the limit left transitions out: always true then, with how many there are in all. */
  alertHistoryTruncated?: true;
  alertHistoryTotal?: number;
  auditLog: AuditEntry[];
}

export type EvidencePack = Signed<EvidenceBody>;

const DIMENSIONS: readonly BreakdownDimension[] = ['recipient', 'country', 'category', 'purpose', 'system', 'channel'];

function monthsOf(year: number, rows: ReadonlyArray<{ month: string; counts: ClassCounts }>): EvidenceBody['monthlyNewIndividuals'] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = `${year}-${String(i + 1).padStart(2, '0')}`;
    const counts = rows.find((row) => row.month === month)?.counts ?? { nonSensitive: 0, sensitive: 0 };
    return { month, ...counts };
  });
}

function breakdownsOf(rows: readonly BreakdownRow[]): EvidenceBody['breakdowns'] {
  const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d, [] as EvidenceBreakdown[]])) as EvidenceBody['breakdowns'];
  for (const { dimension, value, country, transfers, subjectRecords, outOfScopeTransfers } of rows) {
    byDimension[dimension].push({ value, ...(dimension === 'recipient' ? { country } : {}), transfers, subjectRecords, outOfScopeTransfers });
  }
  return byDimension;
}

async function certificateAsOf(
  store: Store,
  certificateId: string,
  asOf: Date,
): Promise<{ certificate: Instrument; declaredAt: string | null; versions: EvidenceBody['scopeVersions'] } | undefined> {
  const declared = await store.evidence.versionsAsOf(certificateId, asOf);
  const versions = declared.map((v) => {
    const { certificateId: _id, processorId: _p, ...scope } = JSON.parse(v.body) as Instrument;
    return { effectiveFrom: v.effectiveFrom.toISOString(), declaredAt: v.declaredAt.toISOString(), scope };
  });
  const latest = declared.at(-1);
  if (latest) return { certificate: JSON.parse(latest.body) as Instrument, declaredAt: latest.declaredAt.toISOString(), versions };
  // Declared only after asOf: the scope as declared now.
  const current = await store.scopes.instrument(certificateId);
  return current && { certificate: current, declaredAt: null, versions };
}

/**
 * The evidence of one certificate-year as of `asOf`: a pure function of what the store held at
 * that instant, so recomputing it later gives the same bytes (evidence-verify.ts). Undefined when
 * the certificate was never declared.
 */
export async function buildEvidenceBody(
  store: Store,
  certificateId: string,
  year: number,
  asOf: Date,
  { alertHistoryLimit = ALERT_HISTORY_LIMIT }: { alertHistoryLimit?: number } = {},
): Promise<EvidenceBody | undefined> {
  const declared = await certificateAsOf(store, certificateId, asOf);
  if (!declared) return undefined;
  const { certificate } = declared;
  const { certificateId: _id, processorId, groupId, ...scope } = certificate;
  const key: ScopeKey = { level: 'certificate', scopeId: certificateId, year };
  const processorKey: ScopeKey = { level: 'processor', scopeId: processorId, year };
  const from = yearStart(year);
  const targets = [
    { targetType: 'certificate' as const, targetId: certificateId },
    { targetType: 'processor' as const, targetId: processorId },
    ...(groupId ? [{ targetType: 'group' as const, targetId: groupId }] : []),
  ];
  const alertFilter = { certificateId, from, to: new Date(asOf.getTime() + 1) };
  const [
    digests,
    monthly,
    processorCounts,
    settings,
    importantData,
    breakdowns,
    domesticTransfers,
    incidents,
    incidentRecords,
    alertHistory,
    auditLog,
  ] = await Promise.all([
    Promise.all(DATA_CLASSES.map((c) => store.evidence.firstSeenDigest(key, c, asOf))) as Promise<[ClassDigest, ClassDigest]>,
    store.evidence.monthlyNewIndividuals(key, asOf),
    store.evidence.counts(processorKey, asOf),
    store.scopes.processor(processorId),
    store.evidence.transfers.hasImportantData(processorId, year, asOf),
    store.evidence.transfers.breakdowns(certificateId, year, asOf, instrumentKind(certificate)),
    store.evidence.transfers.domestic(certificateId, year, asOf, instrumentKind(certificate)),
    store.evidence.transfers.incidents(certificateId, year, asOf, instrumentKind(certificate)),
    store.evidence.incidentsAsOf(certificateId, year, asOf),
    store.alerts.history({ ...alertFilter, limit: alertHistoryLimit }),
    store.audit.entries(targets, from, asOf),
  ]);
  // Only a full page can have left some out: count them then (a complete history costs no extra read).
  const alertHistoryTotal = alertHistory.length === alertHistoryLimit ? await store.alerts.historyTotal(alertFilter) : alertHistory.length;
  const [nonSensitive, sensitive] = digests;
  const caps = instrumentCaps(certificate);
  const classFigures = (digest: ClassDigest, c: DataClass): EvidenceClass => {
    if (caps === null) return { count: digest.count, cap: null, utilization: null };
    const ratio = utilizationRatio(digest.count, caps[c]);
    return { count: digest.count, cap: caps[c], utilization: Number.isFinite(ratio) ? ratio : null };
  };
  return {
    format: EVIDENCE_FORMAT,
    certificateId,
    processorId,
    groupId: groupId ?? null,
    year,
    asOf: asOf.toISOString(),
    definition: AS_OF_DEFINITION,
    asOfRule: AS_OF_RULE,
    scope: { ...scope, declaredAt: declared.declaredAt },
    renewal: isCertificate(certificate) ? renewalStanding(certificate) : null,
    pathway: pathwayFor(processorCounts, { ciiOperator: settings.ciiOperator, importantData }),
    processorCounts,
    counts: { nonSensitive: classFigures(nonSensitive, 'nonSensitive'), sensitive: classFigures(sensitive, 'sensitive') },
    digest: { algorithm: 'SHA-256', lines: DIGEST_LINES, nonSensitive: nonSensitive.digest, sensitive: sensitive.digest },
    monthlyNewIndividuals: monthsOf(year, monthly),
    breakdowns: breakdownsOf(breakdowns),
    domesticTransfers,
    scopeVersions: declared.versions,
    incidents,
    incidentRecords,
    alertHistory,
    ...(alertHistoryTotal > alertHistory.length ? { alertHistoryTruncated: true as const, alertHistoryTotal } : {}),
    auditLog,
  };
}

/** The instant a pack describes (AS_OF_RULE): the one requested, `latest`, or by default the latest settled one. */
export async function resolveAsOf(store: Store, requested?: Date | 'latest'): Promise<Date> {
  if (requested instanceof Date) return requested;
  if (requested === 'latest') return (await store.evidence.latestAcknowledged()).asOf;
  return store.evidence.settledNow();
}

/** Builds and signs the pack as of `resolveAsOf(request.asOf)`. Undefined for an unknown certificate. */
export async function createEvidencePack(
  store: Store,
  key: EvidenceKey,
  request: { certificateId: string; year: number; asOf?: Date | 'latest' },
): Promise<EvidencePack | undefined> {
  const asOf = await resolveAsOf(store, request.asOf);
  const body = await buildEvidenceBody(store, request.certificateId, request.year, asOf);
  return body && signDocument(body, key.privateKey);
}
