import type { Instrument } from './instrument.js';

/**
 * Versions of a declared scope over time (SPEC §2 "Judging over time"). A scope is amended,
 * suspended or reinstated by declaring a new version with the instant it takes effect; every
 * transfer is judged against the version in force when it occurred, not when it arrived.
 */
export interface ScopeVersion {
  /** The declared scope: a certificate or an instrument of another kind. */
  certificate: Instrument;
  /** Applies to transfers that occurred at or after this instant, until the next version's. */
  effectiveFrom: Date;
  /** When it was declared (the server's clock), for the record. */
  declaredAt: Date;
}

/** The start of time for a scope's first version: it covers every transfer before a later one. */
export const FIRST_VERSION_EFFECTIVE_FROM = new Date(0);

/**
 * When a new declaration takes effect: its `effectiveFrom` if given; otherwise now, except for a
 * scope's first declaration, which describes it from the start (a backfill of earlier transfers
 * is judged against it, not left without a scope).
 */
export function declaredEffectiveFrom(effectiveFrom: string | undefined, isFirst: boolean, now: Date): Date {
  if (effectiveFrom !== undefined) return new Date(effectiveFrom);
  return isFirst ? FIRST_VERSION_EFFECTIVE_FROM : now;
}

/** Versions in timeline order; a later declaration with the same effectiveFrom replaces the earlier one. */
export function versionTimeline(versions: readonly ScopeVersion[]): ScopeVersion[] {
  const byStart = new Map<number, ScopeVersion>();
  for (const version of [...versions].sort((a, b) => a.declaredAt.getTime() - b.declaredAt.getTime())) {
    byStart.set(version.effectiveFrom.getTime(), version);
  }
  return [...byStart.values()].sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
}

/**
 * The version in force at `at`: the latest whose effectiveFrom is at or before it; before every
 * effectiveFrom, the earliest (see {@link declaredEffectiveFrom}). `versions` in timeline order.
 */
export function versionInForce(timeline: readonly ScopeVersion[], at: Date): ScopeVersion | undefined {
  let inForce = timeline[0];
  for (const version of timeline) {
    if (version.effectiveFrom.getTime() <= at.getTime()) inForce = version;
    else break;
  }
  return inForce;
}

/** The period [from, to) a version governs in the timeline (to undefined: open-ended). */
export function versionPeriod(timeline: readonly ScopeVersion[], version: ScopeVersion): { from: Date; to: Date | undefined } {
  const index = timeline.indexOf(version);
  const next = timeline[index + 1];
  return { from: index === 0 ? FIRST_VERSION_EFFECTIVE_FROM : version.effectiveFrom, to: next?.effectiveFrom };
}
