import { randomUUID } from 'node:crypto';
import {
  admissionDecision,
  instrumentGap,
  versionInForce,
  instrumentCaps,
  DATA_CLASSES,
  type DataClass,
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
import { judgingContext } from './pipeline/ingest.js';
import type { ReservationBook } from './reservations.js';

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
  /** Present when the admission reserved: the capacity is held until the transfer with this eventId arrives, or until expiresAt. */
  reservation?: { eventId: string; expiresAt: string };
}

export interface AdmissionOptions {
  /** Hold the capacity of the people this transfer would add (when allowed). */
  reserve?: boolean;
  /** Holds of earlier reserving admissions: counted as if their transfers had arrived. */
  reservations?: ReservationBook;
}

export type AdmissionOutcome = { ok: true; result: AdmissionResult } | { ok: false; reason: string; reasons: string[] };

interface ProjectedScope extends AdmissionScopeReport {
  /** The persons the transfer would add here, with the classes each adds. */
  people: Map<string, DataClass[]>;
}

/**
 * Per scope: counts now (plus people other reservations hold), and the persons the transfer would
 * add (not yet counted or held there in a class they carry).
 */
async function projectScopes(
  ctx: MonitorContext,
  transfer: PreparedTransfer,
  keys: readonly ScopeKey[],
  reservations?: ReservationBook,
): Promise<ProjectedScope[]> {
  if (keys.length === 0) return [];
  // All levels' counts in one batched read (one head query, a tail look-up only where someone came
  // since), beside the lookup of the transfer's people: a count read per level cost each admission
  // two or three heavy engine queries at once (admission bench, system.query_log).
  const [usages, counted] = await Promise.all([
    ctx.store.usage.countsInOrder(keys),
    ctx.store.subjects.countedClasses(
      keys,
      transfer.subjects.map((s) => s.idHash),
    ),
  ]);
  return keys.map((key, i) => {
    const people = new Map<string, DataClass[]>();
    for (const subject of transfer.subjects) {
      const classes = subject.classes.filter((c) => !counted[i]!.get(subject.idHash)?.includes(c));
      if (classes.length > 0) people.set(subject.idHash, classes);
    }
    const counts = { ...usages[i]! };
    if (reservations) {
      const { held, alreadyHeld } = reservations.heldAt(key, people, transfer.eventId);
      for (const c of DATA_CLASSES) counts[c] += held[c];
      for (const [idHash, classes] of alreadyHeld) {
        const left = people.get(idHash)!.filter((c) => !classes.has(c));
        if (left.length > 0) people.set(idHash, left);
        else people.delete(idHash);
      }
    }
    const added = zeroCounts();
    for (const classes of people.values()) for (const c of classes) added[c] += 1;
    return { level: key.level, id: key.scopeId, counts, added, people };
  });
}

/**
 * Would this proposed transfer (an egress event; `eventId` optional, `occurredAt` defaults to now)
 * stay inside its certificate's scope, caps and the pathway ceilings? Subjects are pseudonymised
 * at once, as on ingest, and looked up by primary key at each level the transfer would count at.
 */
export async function checkAdmission(
  ctx: MonitorContext,
  proposal: Record<string, unknown>,
  options: AdmissionOptions = {},
): Promise<AdmissionOutcome> {
  const { reservations, reserve = false } = options;
  if (reserve && !reservations) throw new Error('a reserving admission needs the reservation book');
  if (reserve) return reservations!.exclusive(() => decide(ctx, proposal, options));
  return decide(ctx, proposal, options);
}

async function decide(
  ctx: MonitorContext,
  proposal: Record<string, unknown>,
  { reservations, reserve = false }: AdmissionOptions,
): Promise<AdmissionOutcome> {
  const now = ctx.now();
  const parsed = parseEvent({ eventId: reserve ? randomUUID() : 'admission-check', occurredAt: now.toISOString(), ...proposal }, now);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, reasons: parsed.reasons };
  const event = parsed.event;
  const { versions, processor } = await judgingContext(ctx, event);
  const transfer = prepareTransfer(event, { key: ctx.subjectKey, catalogue: ctx.catalogue, versions, processor, phoneRegion: ctx.phoneRegion });
  const certificate = transfer.certificateOwnership === 'own' ? versions?.at(-1)?.certificate : undefined;
  // A group's people are counted under its current epoch; the answer names the group.
  const keys = await Promise.all(
    countingScopes(transfer).map(async (key) =>
      key.level === 'group' ? { ...key, scopeId: await ctx.store.scopes.groupScopeId(key.scopeId) } : key,
    ),
  );
  const projected = await projectScopes(ctx, transfer, keys, reservations);
  const scopes: AdmissionScopeReport[] = projected.map(({ people: _people, ...scope }) => scope);
  for (const scope of scopes) if (scope.level === 'group') scope.id = transfer.groupId ?? scope.id;
  const caps = certificate && instrumentCaps(certificate);
  for (const scope of scopes) if (scope.level === 'certificate' && caps) scope.caps = { ...caps };
  const inForce = versions && versions.length > 0 ? versionInForce(versions, transfer.occurredAt)?.certificate : undefined;
  // A proposal that names no instrument is judged on its volumes and mechanism only (the
  // NoValidInstrument alert follows once such transfers are made); one naming an instrument that is
  // not a valid one of its mechanism is refused.
  const gap =
    transfer.mechanism === 'exempt' || transfer.certificateId === null
      ? null
      : instrumentGap(
          {
            processorId: transfer.processorId,
            mechanism: transfer.mechanism,
            instrumentId: transfer.certificateId,
            inactiveEvents: transfer.outOfScopeReasons.some((r) => r === 'certificate_not_active' || r === 'outside_validity') ? 1 : 0,
          },
          inForce,
        );
  const decision = admissionDecision({
    mechanism: transfer.mechanism,
    instrumentGap: gap,
    outOfScopeReasons: transfer.outOfScopeReasons,
    ciiOperator: processor?.ciiOperator ?? false,
    importantData: transfer.importantData,
    domestic: transfer.domestic,
    scopes: scopes as AdmissionScope[],
  });
  const reference = scopes.find((s) => s.level === 'certificate') ?? scopes.find((s) => s.level === 'processor');
  const result: AdmissionResult = { ...decision, newIndividuals: reference?.added ?? zeroCounts(), scopes };
  if (reserve && decision.allowed) {
    const expiresAt = reservations!.hold(
      transfer.eventId,
      keys.map((key, i) => ({ key, people: projected[i]!.people })),
    );
    result.reservation = { eventId: transfer.eventId, expiresAt: expiresAt.toISOString() };
  }
  return { ok: true, result };
}
