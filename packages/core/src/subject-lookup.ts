import { pseudonymise, type DataClass } from '@pi-egress/domain';
import type { MonitorContext } from './context.js';

export interface SubjectLookupResult {
  sent: boolean;
  /** Earliest first-seen time over the classes, RFC 3339; null when not sent. */
  firstSeenAt: string | null;
  classes: DataClass[];
}

/**
 * Was this person's PI sent abroad under the certificate in `year`? The identifier is normalised
 * and pseudonymised exactly as on ingest and then dropped: only the pseudonym reaches the store,
 * and nothing of either is logged or kept.
 */
export async function lookupSubject(
  ctx: MonitorContext,
  request: { certificateId: string; year: number; subjectId: string },
): Promise<SubjectLookupResult> {
  const pseudonym = pseudonymise(request.subjectId, ctx.subjectKey, ctx);
  const rows = await ctx.store.subjects.firstSeen({ level: 'certificate', scopeId: request.certificateId, year: request.year }, pseudonym);
  const first = rows.reduce<Date | undefined>((min, row) => (min && min <= row.firstSeen ? min : row.firstSeen), undefined);
  return { sent: rows.length > 0, firstSeenAt: first?.toISOString() ?? null, classes: rows.map((row) => row.class) };
}
