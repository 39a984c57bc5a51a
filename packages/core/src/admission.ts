import {
  admissionDecision,
  countingScopes,
  zeroCounts,
  type ScopeKey,
  parseEvent,
  prepareTransfer,
  type AdmissionReason,
  type AdmissionScope,
  type ClassCounts,
  type PreparedTransfer,
} from '@pi-egress/domain';
import type { MonitorContext } from './context.js';

/** One counting level of the answer: counts now, individuals the transfer adds, caps where declared. */
export interface AdmissionScopeReport {
  level: ScopeKey['level'];
  id: string;
  counts: ClassCounts;
  added: ClassCounts;
  caps?: ClassCounts;
}

export interface AdmissionResult {
  allowed: boolean;
  /** Individuals not yet counted this year under the certificate (the processor for other mechanisms). */
  newIndividuals: ClassCounts;
  reasons: AdmissionReason[];
  scopes: AdmissionScopeReport[];
}

export type AdmissionOutcome = { ok: true; result: AdmissionResult } | { ok: false; reason: string; reasons: string[] };

/** Per scope: counts now, and the persons the transfer would add (not yet counted there in a class they carry). */
async function projectScopes(ctx: MonitorContext, transfer: PreparedTransfer, keys: readonly ScopeKey[]): Promise<AdmissionScopeReport[]> {
  if (keys.length === 0) return [];
  const [usages, counted] = await Promise.all([
    Promise.all(keys.map((key) => ctx.store.usage.individuals(key))),
    ctx.store.subjects.countedClasses(keys, transfer.subjects.map((s) => s.idHash)),
  ]);
  return keys.map((key, i) => {
    const added = zeroCounts();
    for (const subject of transfer.subjects) {
      for (const c of subject.classes) if (!counted[i]!.get(subject.idHash)?.includes(c)) added[c] += 1;
    }
    return { level: key.level, id: key.scopeId, counts: usages[i]!.counts, added };
  });
}

/**
 * Would this proposed transfer (an egress event; `eventId` optional, `occurredAt` defaults to now)
 * stay inside its certificate's scope, caps and the pathway ceilings? Subjects are pseudonymised
 * at once, as on ingest, and looked up by primary key at each level the transfer would count at.
 */
export async function checkAdmission(ctx: MonitorContext, proposal: Record<string, unknown>): Promise<AdmissionOutcome> {
  const now = ctx.now();
  const parsed = parseEvent({ eventId: 'admission-check', occurredAt: now.toISOString(), ...proposal }, now);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, reasons: parsed.reasons };
  const event = parsed.event;
  const [versions, processor] = await Promise.all([
    event.certificateId ? ctx.store.scopes.certificateVersions(event.certificateId) : undefined,
    ctx.store.scopes.processor(event.processorId),
  ]);
  const transfer = prepareTransfer(event, { key: ctx.subjectKey, catalogue: ctx.catalogue, versions, processor, phoneRegion: ctx.phoneRegion });
  const certificate = transfer.certificateOwnership === 'own' ? versions?.at(-1)?.certificate : undefined;
  // A group's people are counted under its current epoch; the answer names the group.
  const keys = await Promise.all(
    countingScopes(transfer).map(async (key) => (key.level === 'group' ? { ...key, scopeId: await ctx.store.scopes.groupScopeId(key.scopeId) } : key)),
  );
  const scopes = await projectScopes(ctx, transfer, keys);
  for (const scope of scopes) if (scope.level === 'group') scope.id = transfer.groupId ?? scope.id;
  for (const scope of scopes) if (scope.level === 'certificate' && certificate) scope.caps = { ...certificate.limits };
  const decision = admissionDecision({
    mechanism: transfer.mechanism,
    outOfScopeReasons: transfer.outOfScopeReasons,
    ciiOperator: processor.ciiOperator,
    importantData: transfer.importantData,
    domestic: transfer.domestic,
    scopes: scopes as AdmissionScope[],
  });
  const reference = scopes.find((s) => s.level === 'certificate') ?? scopes.find((s) => s.level === 'processor');
  return { ok: true, result: { ...decision, newIndividuals: reference?.added ?? zeroCounts(), scopes } };
}
