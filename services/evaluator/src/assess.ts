import { groupUsage, type MonitorContext } from '@pi-egress/core';
import {
  certificateAlerts,
  chinaDate,
  classStandings,
  entityThresholdAlerts,
  hasActiveSuccessor,
  incidentAlert,
  isExpired,
  pathwayCeilingAlerts,
  splittingRiskAlerts,
  yearOf,
  type AlertCandidate,
  type Certificate,
  type ClassCounts,
  type ClassStanding,
} from '@pi-egress/domain';

/** Everything one evaluation found: what the metrics show and which alerts should fire. */
export interface Assessment {
  year: number;
  /** `superseded`: expired with an active declared successor (CertificateExpired is quiet). */
  certificates: Array<{ certificate: Certificate; standings: ClassStanding[]; superseded: boolean }>;
  processors: Array<{ processorId: string; counts: ClassCounts }>;
  candidates: AlertCandidate[];
}

/** Queries at once against the store; enough to overlap round trips without crowding it. */
const CONCURRENCY = 4;

async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * Reads counts, certificates and recent incidents for the current year (China time, from
 * ctx.now()) and applies every SPEC §5 rule of the domain to them.
 */
export async function assess(ctx: MonitorContext, options: { incidentWindowMs: number }): Promise<Assessment> {
  const now = ctx.now();
  const year = yearOf(now);
  const today = chinaDate(now);
  const [certificateList, counted, incidents] = await Promise.all([
    ctx.store.scopes.listCertificates(),
    ctx.store.alerts.inputs.countedScopes(year),
    ctx.store.alerts.inputs.incidents(new Date(now.getTime() - options.incidentWindowMs)),
  ]);

  const certificates = await mapLimit(certificateList, async (certificate) => {
    const key = { level: 'certificate', scopeId: certificate.certificateId, year } as const;
    const [usage, dailyNew] = await Promise.all([ctx.store.usage.individuals(key), ctx.store.usage.dailyNewIndividuals(key)]);
    const successor = certificateList.find((c) => c.certificateId === certificate.supersededBy);
    const input = { certificate, counts: usage.counts, dailyNew, today, year, successor };
    const superseded = isExpired(certificate, today) && hasActiveSuccessor(certificate, successor, today);
    return { certificate, standings: classStandings(input), alerts: certificateAlerts(input), superseded };
  });

  const processorIds = [...new Set([...counted.processors, ...certificateList.map((c) => c.processorId)])].sort();
  const processors = await mapLimit(processorIds, async (processorId) => {
    const key = { level: 'processor', scopeId: processorId, year } as const;
    const [usage, dailyNew] = await Promise.all([ctx.store.usage.individuals(key), ctx.store.usage.dailyNewIndividuals(key)]);
    const alerts = entityThresholdAlerts({ entity: { level: 'processor', id: processorId }, counts: usage.counts, dailyNew, today, year });
    return { processorId, counts: usage.counts, alerts };
  });

  const groups = await mapLimit(counted.groups, async (groupId) => {
    const [usage, dailyNew] = await Promise.all([groupUsage(ctx, groupId, year), ctx.store.usage.dailyNewIndividuals({ level: 'group', scopeId: groupId, year })]);
    const members = usage.members.map((m) => ({ processorId: m.processorId, counts: { nonSensitive: m.nonSensitive.count, sensitive: m.sensitive.count } }));
    const counts = { nonSensitive: usage.nonSensitive.count, sensitive: usage.sensitive.count };
    return [...splittingRiskAlerts(groupId, counts, members), ...entityThresholdAlerts({ entity: { level: 'group', id: groupId }, counts, dailyNew, today, year })];
  });

  const certificatesOf = (processorId: string) => certificateList.filter((c) => c.processorId === processorId).map((c) => c.certificateId);
  const candidates = [
    ...certificates.flatMap((c) => c.alerts),
    ...processors.flatMap((p) => [...pathwayCeilingAlerts(p.processorId, p.counts, certificatesOf(p.processorId)), ...p.alerts]),
    ...groups.flat(),
    ...incidents.map(incidentAlert),
  ];
  return { year, certificates: certificates.map(({ certificate, standings, superseded }) => ({ certificate, standings, superseded })), processors, candidates };
}
