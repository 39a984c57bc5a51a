import {
  chinaDate,
  DATA_CLASSES,
  forecastCapReach,
  pathwayFor,
  utilizationRatio,
  type Certificate,
  type DataClass,
  type Pathway,
} from '@pi-egress/domain';
import type { ClassCounts, ScopeKey } from '@pi-egress/store';
import type { MonitorContext } from './context.js';

export interface ClassUsage {
  count: number;
  cap?: number;
  utilization?: number;
  forecastCapDate?: string | null;
}

export interface UsageReport {
  year: number;
  asOf: string;
  pathway: Pathway;
  nonSensitive: ClassUsage;
  sensitive: ClassUsage;
}

export interface GroupUsageReport extends UsageReport {
  groupId: string;
  members: Array<{ processorId: string; nonSensitive: { count: number }; sensitive: { count: number } }>;
}

/** The pathway a processor's counts require this year (SPEC §2), CII and important data included. */
export async function processorPathway(
  ctx: MonitorContext,
  processorId: string,
  year: number,
  counts: ClassCounts | Promise<ClassCounts>,
): Promise<Pathway> {
  const [settings, importantData, resolved] = await Promise.all([
    ctx.store.scopes.processor(processorId),
    ctx.store.transfers.hasImportantData(processorId, year),
    counts,
  ]);
  return pathwayFor(resolved, { ciiOperator: settings.ciiOperator, importantData });
}

export async function processorUsage(ctx: MonitorContext, processorId: string, year: number): Promise<UsageReport> {
  // The pathway's other inputs are read while the count runs: one round trip less on /usage.
  const counting = ctx.store.usage.individuals({ level: 'processor', scopeId: processorId, year });
  const [usage, pathway] = await Promise.all([counting, processorPathway(ctx, processorId, year, counting.then((u) => u.counts))]);
  return {
    year,
    asOf: usage.asOf.toISOString(),
    pathway,
    nonSensitive: { count: usage.counts.nonSensitive },
    sensitive: { count: usage.counts.sensitive },
  };
}

export async function certificateUsage(ctx: MonitorContext, certificate: Certificate, year: number): Promise<UsageReport> {
  const key: ScopeKey = { level: 'certificate', scopeId: certificate.certificateId, year };
  const [usage, processor, daily] = await Promise.all([
    ctx.store.usage.individuals(key),
    processorUsage(ctx, certificate.processorId, year),
    ctx.store.usage.dailyNewIndividuals(key),
  ]);
  const today = chinaDate(ctx.now());
  const classUsage = (dataClass: DataClass): ClassUsage => {
    const count = usage.counts[dataClass];
    const cap = certificate.limits[dataClass];
    const forecast = forecastCapReach({
      count,
      cap,
      today,
      year,
      since: certificate.validFrom,
      until: certificate.validTo,
      dailyNew: daily.map(({ day, counts }) => ({ day, individuals: counts[dataClass] })),
    });
    return { count, cap, utilization: utilizationRatio(count, cap), forecastCapDate: forecast?.date ?? null };
  };
  const [nonSensitive, sensitive] = DATA_CLASSES.map(classUsage) as [ClassUsage, ClassUsage];
  return { year, asOf: usage.asOf.toISOString(), pathway: processor.pathway, nonSensitive, sensitive };
}

export async function groupUsage(ctx: MonitorContext, groupId: string, year: number): Promise<GroupUsageReport> {
  // The group's people are counted under its current membership epoch (rebuilt when it changes).
  const [usage, memberIds] = await Promise.all([
    ctx.store.scopes.groupScopeId(groupId).then((scopeId) => ctx.store.usage.individuals({ level: 'group', scopeId, year })),
    ctx.store.scopes.groupMembers(groupId),
  ]);
  const members = await Promise.all(
    memberIds.map(async (processorId) => {
      const member = await ctx.store.usage.individuals({ level: 'processor', scopeId: processorId, year });
      return {
        processorId,
        nonSensitive: { count: member.counts.nonSensitive },
        sensitive: { count: member.counts.sensitive },
      };
    }),
  );
  return {
    groupId,
    year,
    asOf: usage.asOf.toISOString(),
    // Splitting is forbidden: the group total decides the pathway as if one processor sent it all.
    pathway: pathwayFor(usage.counts),
    nonSensitive: { count: usage.counts.nonSensitive },
    sensitive: { count: usage.counts.sensitive },
    members,
  };
}
