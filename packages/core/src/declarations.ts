import {
  declaredEffectiveFrom,
  instrumentKind,
  judgeAgainst,
  outOfScopeReasons,
  versionPeriod,
  type Certificate,
  type Instrument,
  type ProcessorSettings,
  type ScopeVersion,
} from '@pi-egress/domain';
import type { NewJudgement, StoredTransferRow } from '@pi-egress/store';
import type { MonitorContext } from './context.js';

/**
 * Declaring scopes and processor settings, with what follows from them over a year: a version
 * back-dated or a certificate declared late re-judges the transfers it governs; the people of
 * transfers made before a certificate was declared are counted against it once it is (if its own
 * processor's); a change of group membership rebuilds the groups' totals.
 */

export type DeclarationOutcome<T> = { ok: true; value: T; notes: Record<string, unknown> } | { ok: false; errors: string[] };

export interface DeclaredVersion<T extends Instrument = Certificate> {
  certificate: T;
  effectiveFrom: string;
  /** Transfers whose judgement changed. */
  rejudged: number;
  /** The processor was put in the certificate's group by this declaration. */
  joinedGroup?: string;
}

/** Adds a version of a certificate scope (see {@link declareInstrument}). */
export function declareCertificate(ctx: MonitorContext, certificate: Certificate): Promise<DeclarationOutcome<DeclaredVersion>> {
  return declareInstrument(ctx, certificate);
}

/**
 * Adds a version of an instrument's scope (a certificate, SCC filing or SA approval). Its processor
 * and kind may not change (an instrument belongs to its processor; ids are unique across kinds);
 * its groupId, when given, must be its processor's group, and declaring one for a processor
 * without a group puts the processor in it.
 */
export async function declareInstrument<T extends Instrument>(ctx: MonitorContext, certificate: T): Promise<DeclarationOutcome<DeclaredVersion<T>>> {
  const { store } = ctx;
  const previous = await store.scopes.certificateVersions(certificate.certificateId);
  const latest = previous.at(-1)?.certificate;
  const owner = latest?.processorId;
  if (owner !== undefined && owner !== certificate.processorId) {
    return { ok: false, errors: [`processorId: must stay ${owner}: a certificate belongs to its processor (declare a new certificate instead)`] };
  }
  if (latest !== undefined && instrumentKind(latest) !== instrumentKind(certificate)) {
    return { ok: false, errors: [`kind: must stay ${instrumentKind(latest)}: ${certificate.certificateId} is declared as one (use another id)`] };
  }
  const settings = await store.scopes.declaredProcessor(certificate.processorId);
  if (certificate.groupId !== undefined && settings?.groupId !== undefined && settings.groupId !== certificate.groupId) {
    return {
      ok: false,
      errors: [
        `groupId: must equal the group of processor ${certificate.processorId} (${settings.groupId}); change the group with PUT /v1/processors/${certificate.processorId}`,
      ],
    };
  }
  let joinedGroup: string | undefined;
  if (certificate.groupId !== undefined && settings?.groupId === undefined) {
    joinedGroup = certificate.groupId;
    await putProcessorSettings(ctx, {
      ...(settings ?? { processorId: certificate.processorId, countExempt: false, ciiOperator: false }),
      groupId: joinedGroup,
    });
  }

  const effectiveFrom = declaredEffectiveFrom(certificate.effectiveFrom, previous.length === 0, ctx.now());
  const version = await store.scopes.putVersion(certificate, effectiveFrom);
  if (previous.length === 0) await store.rebuilds.adoptPending(certificate.processorId, certificate.certificateId, instrumentKind(certificate));
  const timeline = await store.scopes.certificateVersions(certificate.certificateId);
  // Only what this version now governs can change: from its start until the next version's.
  const period = versionPeriod(timeline, timeline.find((v) => v.declaredAt === version.declaredAt) ?? version);
  const rejudged = await rejudge(ctx, certificate.certificateId, timeline, previous.length === 0 ? new Date(0) : period.from, period.to);
  const value: DeclaredVersion<T> = { certificate, effectiveFrom: effectiveFrom.toISOString(), rejudged, ...(joinedGroup ? { joinedGroup } : {}) };
  return { ok: true, value, notes: { effectiveFrom: value.effectiveFrom, rejudged, ...(joinedGroup ? { joinedGroup } : {}) } };
}

/** The judgement a stored transfer gets from the scope versions now declared. */
export function judgementOf(row: StoredTransferRow, timeline: readonly ScopeVersion[]): NewJudgement {
  const occurredAt = new Date(`${row.occurred_at.replace(' ', 'T')}Z`);
  const instrumentId = row.certificate_id || null;
  const { version } = judgeAgainst({ mechanism: row.mechanism, processorId: row.processor_id, occurredAt, instrumentId }, timeline);
  const event = {
    mechanism: row.mechanism as 'certification',
    ...(instrumentId === null ? {} : { certificateId: instrumentId, instrumentId }),
    processorId: row.processor_id,
    occurredAt: occurredAt.toISOString(),
    recipient: { id: row.recipient_id, country: row.recipient_country },
    purpose: row.purpose,
    categories: row.categories,
    importantData: Boolean(row.important_data),
  };
  return {
    reasons: outOfScopeReasons(event, version?.certificate),
    scopeVersion: version ? version.effectiveFrom.toISOString() : '',
    pending: version === undefined,
  };
}

const sameJudgement = (row: StoredTransferRow, next: NewJudgement) =>
  row.scope_version === next.scopeVersion &&
  Boolean(row.pending) === next.pending &&
  row.out_of_scope_reasons.join('\u0000') === next.reasons.join('\u0000');

/** Re-judges the certificate's transfers that occurred in [from, to); returns how many changed. */
async function rejudge(
  ctx: MonitorContext,
  certificateId: string,
  timeline: readonly ScopeVersion[],
  from: Date,
  to: Date | undefined,
): Promise<number> {
  let changed = 0;
  for await (const page of ctx.store.judgements.citing(certificateId, from, to)) {
    const updates = page
      .map((row) => ({ row, judgement: judgementOf(row, timeline) }))
      .filter(({ row, judgement }) => !sameJudgement(row, judgement));
    await ctx.store.judgements.rewrite(updates, new Date());
    changed += updates.length;
  }
  return changed;
}

/**
 * Sets a processor's settings. Its group is the one source of membership: when it changes, the
 * totals of the group it left and the group it joined are rebuilt from their members' own people,
 * whenever each joined (exact, all years).
 */
export async function putProcessorSettings(ctx: MonitorContext, settings: ProcessorSettings): Promise<{ rebuiltGroups: string[] }> {
  const before = await ctx.store.scopes.declaredProcessor(settings.processorId);
  await ctx.store.scopes.putProcessor(settings);
  const changedGroups = [before?.groupId, settings.groupId].filter((g): g is string => g !== undefined && before?.groupId !== settings.groupId);
  for (const groupId of changedGroups) await ctx.store.rebuilds.rebuildGroup(groupId, await ctx.store.scopes.groupMembers(groupId));
  return { rebuiltGroups: changedGroups };
}
