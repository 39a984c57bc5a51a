import type { MonitorContext } from '@pi-egress/core';
import {
  chinaDate,
  classStandings,
  classUsageAlerts,
  entityThresholdAlerts,
  hasActiveSuccessor,
  incidentAlert,
  isExpired,
  lifecycleAlerts,
  pathwayCeilingAlerts,
  splittingRiskAlerts,
  yearOf,
  type AlertCandidate,
  instrumentDeadlineAlerts,
  isCertificate,
  noValidInstrumentAlert,
  pathwayInstrumentAlert,
  type Certificate,
  type Instrument,
  type ClassCounts,
  type ClassStanding,
} from '@pi-egress/domain';
import type { CountCache } from './count-cache.js';

/** Everything one evaluation found: what the metrics show and which alerts should fire. */
export interface Assessment {
  /** The counting year of the evaluation's business time. */
  year: number;
  /** Every year judged: the current one and each past year whose counts changed late (see CountCache). */
  years: number[];
  /**
   * Every instrument (certificates and the other kinds) per year judged. `superseded`: expired with
   * an active declared successor (CertificateExpired is quiet).
   */
  certificates: Array<{ certificate: Instrument; year: number; standings: ClassStanding[]; superseded: boolean }>;
  processors: Array<{ processorId: string; year: number; counts: ClassCounts }>;
  groups: Array<{ groupId: string; year: number; counts: ClassCounts; members: string[] }>;
  candidates: AlertCandidate[];
}

/** Every alert about counts carries the year it is about (SPEC §5). */
function inYear(year: number, candidates: readonly AlertCandidate[]): AlertCandidate[] {
  return candidates.map((c) => ({ ...c, labels: { ...c.labels, year: String(year) } }));
}

/**
 * Applies every SPEC §5 rule to the current year and to every past year whose counts changed after
 * it ended: a late event of last December that breaches a cap alerts in January, with `year`
 * saying which year. Counts come from the cache (only changed scope-years are read again);
 * lifecycle rules judge today's date.
 */
export async function assess(ctx: MonitorContext, counts: CountCache, options: { incidentWindowMs: number }): Promise<Assessment> {
  const now = ctx.now();
  const year = yearOf(now);
  const today = chinaDate(now);
  const since = new Date(now.getTime() - options.incidentWindowMs);
  const [certificateList, groupIds, incidents, instrumentUses] = await Promise.all([
    ctx.store.scopes.listInstruments(),
    ctx.store.scopes.groups(),
    ctx.store.alerts.inputs.incidents(since),
    ctx.store.alerts.inputs.instrumentUses(since),
    counts.refresh(),
  ]);
  const instrumentById = new Map(certificateList.map((i) => [i.certificateId, i]));
  const years = counts.yearsToJudge(now, year, options.incidentWindowMs);
  // Indexed once per cycle: looking these up by scanning every certificate made a cycle quadratic.
  const byProcessor = new Map<string, Instrument[]>();
  for (const i of certificateList) {
    const list = byProcessor.get(i.processorId);
    if (list) list.push(i);
    else byProcessor.set(i.processorId, [i]);
  }
  const instrumentsOf = (processorId: string) => byProcessor.get(processorId) ?? [];
  const certificateIdsOf = (processorId: string) =>
    instrumentsOf(processorId)
      .filter(isCertificate)
      .map((c) => c.certificateId);
  /** The certificate named in `supersededBy`, when it is declared as one. */
  const successorOf = (c: Certificate) => {
    const successor = c.supersededBy === undefined ? undefined : instrumentById.get(c.supersededBy);
    return successor && isCertificate(successor) ? successor : undefined;
  };
  const assessment: Assessment = { year, years, certificates: [], processors: [], groups: [], candidates: [] };

  for (const y of years) {
    const current = y === year;
    // A past year is judged as it ended: its forecast no longer matters, only what was sent.
    const day = current ? today : `${y}-12-31`;
    for (const certificate of certificateList) {
      const key = { level: 'certificate', scopeId: certificate.certificateId, year: y } as const;
      const input = { certificate, counts: counts.counts(key), dailyNew: counts.dailyNew(key), today: day, year: y };
      const standings = classStandings(input);
      const superseded =
        isCertificate(certificate) && isExpired(certificate, today) && hasActiveSuccessor(certificate, successorOf(certificate), today);
      assessment.certificates.push({ certificate, year: y, standings, superseded });
      const usage = standings.flatMap((standing) => classUsageAlerts(certificate, current ? standing : { ...standing, forecast: null }));
      assessment.candidates.push(...inYear(y, usage));
    }
    const active = new Set(byProcessor.keys());
    for (const [scopeId, level] of counts.scopesOf(y)) if (level === 'processor') active.add(scopeId);
    for (const processorId of [...active].sort()) {
      const processorCounts = counts.counts({ level: 'processor', scopeId: processorId, year: y });
      assessment.processors.push({ processorId, year: y, counts: processorCounts });
      assessment.candidates.push(...inYear(y, pathwayCeilingAlerts(processorId, processorCounts, certificateIdsOf(processorId))));
      const { ciiOperator } = await ctx.store.scopes.processor(processorId);
      const gap = pathwayInstrumentAlert({
        processorId,
        year: y,
        counts: processorCounts,
        ciiOperator,
        instruments: instrumentsOf(processorId),
        day,
      });
      if (gap) assessment.candidates.push(gap);
      const key = { level: 'processor', scopeId: processorId, year: y } as const;
      const early = {
        entity: { level: 'processor', id: processorId } as const,
        counts: processorCounts,
        dailyNew: counts.dailyNew(key),
        today: day,
        year: y,
      };
      assessment.candidates.push(...entityThresholdAlerts(early, { forecast: current }));
    }
    for (const groupId of groupIds) {
      const members = await ctx.store.scopes.groupMembers(groupId);
      const scopeId = await ctx.store.scopes.groupScopeId(groupId);
      const groupCounts = counts.counts({ level: 'group', scopeId, year: y });
      const memberCounts = members.map((processorId) => ({
        processorId,
        counts: counts.counts({ level: 'processor', scopeId: processorId, year: y }),
      }));
      assessment.groups.push({ groupId, year: y, counts: groupCounts, members });
      assessment.candidates.push(...inYear(y, splittingRiskAlerts(groupId, groupCounts, memberCounts)));
      const early = {
        entity: { level: 'group', id: groupId } as const,
        counts: groupCounts,
        dailyNew: counts.dailyNew({ level: 'group', scopeId, year: y }),
        today: day,
        year: y,
      };
      assessment.candidates.push(...entityThresholdAlerts(early, { forecast: current }));
    }
  }
  assessment.candidates.push(
    ...certificateList.filter(isCertificate).flatMap((certificate) => lifecycleAlerts(certificate, today, successorOf(certificate))),
  );
  assessment.candidates.push(...certificateList.flatMap((instrument) => instrumentDeadlineAlerts(instrument, today)));
  for (const use of instrumentUses) {
    const alert = noValidInstrumentAlert(use, use.instrumentId === null ? undefined : instrumentById.get(use.instrumentId));
    if (alert) assessment.candidates.push(alert);
  }
  assessment.candidates.push(...incidents.map(incidentAlert));
  return assessment;
}
