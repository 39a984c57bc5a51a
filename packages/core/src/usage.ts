import {
  chinaDate,
  DATA_CLASSES,
  forecastCapReach,
  pathwayFor,
  instrumentCaps,
  instrumentKind,
  utilizationRatio,
  type Instrument,
  type InstrumentKind,
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

/** One instrument of a processor in its usage: counts against caps, and the counted transfers that used it. */
export interface InstrumentUsage {
  instrumentId: string;
  kind: InstrumentKind;
  status: string;
  nonSensitive: ClassUsage;
  sensitive: ClassUsage;
  transfers: number;
}

export interface ProcessorUsageReport extends UsageReport {
  /** Its instruments of every kind (certificates included). */
  instruments: InstrumentUsage[];
  /**
   * Its counted transfers per mechanism and cited instrument (null: none cited) and channel:
   * which instrument each counted transfer used, and how (sent or accessed from abroad).
   */
  transfers: Array<{ mechanism: string; instrumentId: string | null; channel: string; transfers: number }>;
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
  const [usage, pathway] = await Promise.all([
    counting,
    processorPathway(
      ctx,
      processorId,
      year,
      counting.then((u) => u.counts),
    ),
  ]);
  return {
    year,
    asOf: usage.asOf.toISOString(),
    pathway,
    nonSensitive: { count: usage.counts.nonSensitive },
    sensitive: { count: usage.counts.sensitive },
  };
}

/**
 * The processor's counts and the pathway they require, with each of its instruments' counts and
 * caps and which instrument its counted transfers used (SPEC §6, "the company view").
 */
export async function processorUsageWithInstruments(ctx: MonitorContext, processorId: string, year: number): Promise<ProcessorUsageReport> {
  const instruments = await ctx.store.scopes.listInstruments({ processorId });
  const using = ctx.store.transfers.instrumentUse(processorId, year);
  // The processor's count and its instruments' start together, so that they share one head query.
  const processor = processorUsage(ctx, processorId, year);
  // Its processor's report is the one just started: each instrument does not count the processor again.
  const [usage, transfers, reports] = await Promise.all([
    processor,
    using,
    Promise.all(instruments.map((instrument) => certificateUsage(ctx, instrument, year, processor))),
  ]);
  const perInstrument = instruments.map((instrument, i): InstrumentUsage => {
    const report = reports[i]!;
    const used = transfers.filter((t) => t.instrumentId === instrument.certificateId && t.mechanism === instrumentKind(instrument));
    return {
      instrumentId: instrument.certificateId,
      kind: instrumentKind(instrument),
      status: instrument.status,
      nonSensitive: report.nonSensitive,
      sensitive: report.sensitive,
      transfers: used.reduce((sum, t) => sum + t.transfers, 0),
    };
  });
  return { ...usage, instruments: perInstrument, transfers: transfers.map((t) => ({ ...t, instrumentId: t.instrumentId || null })) };
}

/**
 * An instrument's counts (a certificate's, or another kind's) against its caps; without caps, counts
 * only. `processor`: its processor's report when the caller already reads it.
 */
export async function certificateUsage(
  ctx: MonitorContext,
  certificate: Instrument,
  year: number,
  processor: Promise<UsageReport> = processorUsage(ctx, certificate.processorId, year),
): Promise<UsageReport> {
  const key: ScopeKey = { level: 'certificate', scopeId: certificate.certificateId, year };
  const [usage, processorReport] = await Promise.all([ctx.store.usage.individuals(key), processor]);
  // The days of the checkpoint the count stands on: kept by the store until the checkpoint moves.
  const daily = await ctx.store.usage.dailyNewIndividuals(key, usage.watermark);
  const today = chinaDate(ctx.now());
  const caps = instrumentCaps(certificate);
  const classUsage = (dataClass: DataClass): ClassUsage => {
    const count = usage.counts[dataClass];
    if (caps === null) return { count };
    const cap = caps[dataClass];
    const forecast = forecastCapReach({
      count,
      cap,
      today,
      year,
      since: certificate.validFrom,
      until: certificate.validTo ?? `${year}-12-31`,
      dailyNew: daily.map(({ day, counts }) => ({ day, individuals: counts[dataClass] })),
    });
    return { count, cap, utilization: utilizationRatio(count, cap), forecastCapDate: forecast?.date ?? null };
  };
  const [nonSensitive, sensitive] = DATA_CLASSES.map(classUsage) as [ClassUsage, ClassUsage];
  return { year, asOf: usage.asOf.toISOString(), pathway: processorReport.pathway, nonSensitive, sensitive };
}

export async function groupUsage(ctx: MonitorContext, groupId: string, year: number): Promise<GroupUsageReport> {
  // The group's people are counted under its current membership epoch (rebuilt when it changes).
  const [scopeId, memberIds] = await Promise.all([ctx.store.scopes.groupScopeId(groupId), ctx.store.scopes.groupMembers(groupId)]);
  // The group's count and one batched read for every member (a group of fifty asked fifty queries
  // at once on every GET), side by side: the members' read waited for the group's before.
  const [usage, memberCounts] = await Promise.all([
    ctx.store.usage.individuals({ level: 'group', scopeId, year }),
    ctx.store.usage.countsInOrder(memberIds.map((member): ScopeKey => ({ level: 'processor', scopeId: member, year }))),
  ]);
  const members = memberIds.map((processorId, i) => ({
    processorId,
    nonSensitive: { count: memberCounts[i]!.nonSensitive },
    sensitive: { count: memberCounts[i]!.sensitive },
  }));
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
