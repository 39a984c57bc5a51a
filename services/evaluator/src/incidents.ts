import type { MonitorContext } from '@pi-egress/core';
import type { ActiveAlert, AlertName } from '@pi-egress/domain';

/**
 * Breaches that stay on record until a person acknowledges them (SPEC §2, §6): the alert may
 * resolve (a new year, a corrected scope), its incident does not. A transfer after expiry is an
 * `OutOfScopeTransfer` with reason `outside_validity`, so it opens one too.
 */
export const BREACH_ALERTS: ReadonlySet<AlertName> = new Set<AlertName>([
  'ScopeCapExceeded',
  'PathwayCeilingReached',
  'OutOfScopeTransfer',
  'ImportantDataTransfer',
  'SplittingRisk',
]);

/** Opens an incident for each breach alert that just fired (none twice while one is open). */
export async function openIncidents(ctx: MonitorContext, fired: readonly ActiveAlert[], currentYear: number): Promise<void> {
  const breaches = fired.filter((alert) => BREACH_ALERTS.has(alert.labels.alertname));
  await ctx.store.incidents.open(
    breaches.map((alert) => ({
      year: alert.labels.year ? Number(alert.labels.year) : currentYear,
      alertname: alert.labels.alertname,
      fingerprint: alert.fingerprint,
      labels: { ...alert.labels },
      summary: alert.summary,
      openedAt: alert.startsAt,
    })),
  );
}
