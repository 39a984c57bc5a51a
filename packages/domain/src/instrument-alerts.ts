import { alertLabels, formatCount, instrumentScopeLabels, type AlertCandidate } from './alert-model.js';
import { chinaDate, isValidDate } from './calendar.js';
import {
  assessmentExtensionSeverity,
  assessmentExtensionWindow,
  filingDueDate,
  filingDueSeverity,
  type DeadlineSeverity,
} from './instrument-deadlines.js';
import { WORKING_DAY_YEARS } from './working-days.js';
import { instrumentKind, INSTRUMENT_WORDS, type Instrument, type InstrumentKind } from './instrument.js';
import { pathwayFor, type ClassCounts, type Pathway } from './pathway.js';
import { withinValidity } from './scope.js';

/**
 * NoValidInstrument (SPEC §5): a transfer made under a mechanism must rest on an instrument of that
 * mechanism that is in force (PIPL Art. 38: one of the three pathways is a condition of providing PI
 * abroad), and a processor whose yearly counts require a pathway must hold an instrument of it.
 */

/** Why the transfers' instrument is not a valid one. */
export type InstrumentGap = 'none_cited' | 'not_declared' | 'other_kind' | 'other_processor' | 'not_active';

/** Recent counted transfers of one processor under one mechanism and cited instrument (a store summary). */
export interface InstrumentUse {
  year: number;
  processorId: string;
  mechanism: InstrumentKind;
  /** The cited instrument; null when none was named. */
  instrumentId: string | null;
  events: number;
  lastEventId: string;
  /** Of them, transfers that occurred while the instrument was not active or outside its validity. */
  inactiveEvents: number;
}

/**
 * Why `use` rests on no valid instrument, or null. A certification transfer citing a certificate
 * not declared yet is pending (judged once it is), not a gap; under the other two mechanisms an
 * instrument not declared is one: they have no pending judgement to wait for.
 */
export function instrumentGap(
  use: Pick<InstrumentUse, 'processorId' | 'mechanism' | 'instrumentId' | 'inactiveEvents'>,
  instrument: Instrument | undefined,
): InstrumentGap | null {
  if (use.instrumentId === null) return use.mechanism === 'certification' ? null : 'none_cited';
  if (instrument === undefined) return use.mechanism === 'certification' ? null : 'not_declared';
  if (instrumentKind(instrument) !== use.mechanism) return 'other_kind';
  if (instrument.processorId !== use.processorId) return 'other_processor';
  if (use.mechanism !== 'certification' && use.inactiveEvents > 0) return 'not_active';
  return null;
}

const GAP_WORDS: Readonly<Record<InstrumentGap, string>> = {
  none_cited: 'cite no instrument',
  not_declared: 'cite an instrument that is not declared',
  other_kind: 'cite an instrument of another kind',
  other_processor: "cite another processor's instrument",
  not_active: 'occurred while their instrument was not active or outside its validity',
};

export function noValidInstrumentAlert(use: InstrumentUse, instrument: Instrument | undefined): AlertCandidate | null {
  const gap = instrumentGap(use, instrument);
  if (gap === null) return null;
  const plural = use.events === 1 ? '' : 's';
  return {
    labels: alertLabels('NoValidInstrument', 'critical', {
      processor_id: use.processorId,
      instrument_id: use.instrumentId,
      instrument_kind: use.mechanism,
      reason: gap,
      year: String(use.year),
    }),
    summary: `${use.processorId}: ${use.mechanism} transfers without a valid ${INSTRUMENT_WORDS[use.mechanism]}`,
    description:
      `${use.events} counted transfer${plural} of processor ${use.processorId} under mechanism ${use.mechanism} (latest event ${use.lastEventId}) ` +
      `${GAP_WORDS[gap]}${use.instrumentId ? ` (${use.instrumentId})` : ''}. PI may go abroad only on one of the pathways of PIPL Art. 38, ` +
      `with its instrument in force: declare the ${INSTRUMENT_WORDS[use.mechanism]} or stop these transfers.`,
  };
}

/** Instrument kinds that satisfy a pathway: any for the contract-or-certification band, only an approval for an assessment. */
export function kindsSatisfying(pathway: Pathway): readonly InstrumentKind[] {
  if (pathway === 'security_assessment') return ['security_assessment'];
  if (pathway === 'standard_contract_or_certification') return ['certification', 'standard_contract', 'security_assessment'];
  return [];
}

/** Active and valid on China date `day` (status as declared now). */
export function instrumentInForce(i: Instrument, day: string): boolean {
  return i.status === 'active' && withinValidity(i, day);
}

export interface ProcessorInstrumentsInput {
  processorId: string;
  year: number;
  counts: ClassCounts;
  ciiOperator: boolean;
  /** The processor's instruments of every kind, as they stand. */
  instruments: readonly Instrument[];
  /** China date judged: today for the current year, 31 December for a past one. */
  day: string;
}

/** NoValidInstrument when the processor's counts require a pathway it holds no instrument in force for. */
export function pathwayInstrumentAlert(input: ProcessorInstrumentsInput): AlertCandidate | null {
  const required = pathwayFor(input.counts, { ciiOperator: input.ciiOperator });
  const kinds = kindsSatisfying(required);
  if (kinds.length === 0) return null;
  const held = input.instruments.filter((i) => i.processorId === input.processorId && instrumentInForce(i, input.day));
  if (held.some((i) => kinds.includes(instrumentKind(i)))) return null;
  const what =
    required === 'security_assessment' ? 'a security-assessment approval' : 'a certificate, a filed standard contract or an assessment approval';
  return {
    labels: alertLabels('NoValidInstrument', 'critical', { processor_id: input.processorId, pathway: required, year: String(input.year) }),
    summary: `${input.processorId}: counts require ${required} and no instrument of it is in force`,
    description:
      `Processor ${input.processorId} sent PI of ${formatCount(input.counts.nonSensitive)} non-sensitive and ${formatCount(input.counts.sensitive)} sensitive ` +
      `distinct individuals abroad in ${input.year}${input.ciiOperator ? ' as a CII operator' : ''}: that requires ${what} (PIPL Art. 38, 40; ` +
      `2024 Provisions Art. 7–8), and none is active on ${input.day}.`,
  };
}

function chinaDay(dateOrInstant: string): string {
  return isValidDate(dateOrInstant) ? dateOrInstant : chinaDate(dateOrInstant);
}

/**
 * A deadline rule on China's working-day calendar. Outside the years the calendar covers the
 * answer is not guessed: the alert fires as a warning that says the calendar ends there (the
 * contract is in effect unfiled, or the approval is near its end, either way worth a look).
 */
function onCalendar(rule: () => DeadlineSeverity | null): { severity: DeadlineSeverity | null; uncovered: boolean } {
  try {
    return { severity: rule(), uncovered: false };
  } catch (error) {
    if (error instanceof RangeError) return { severity: 'warning', uncovered: true };
    throw error;
  }
}

const UNCOVERED = ` China's official working-day calendar is known here for ${WORKING_DAY_YEARS.first}–${WORKING_DAY_YEARS.last} only: the date was not worked out; update the chinese-days package.`;

/**
 * FilingDue (SCC Measures Art. 7) and AssessmentExtensionDue (2024 Provisions Art. 8) of one
 * instrument on China date `today`. A contract takes effect at its version's `effectiveFrom`; a
 * filing made before that (an earlier version's) does not cover it (a changed contract is filed
 * again, Art. 11).
 */
export function instrumentDeadlineAlerts(i: Instrument, today: string): AlertCandidate[] {
  const kind = instrumentKind(i);
  const scope = { processor_id: i.processorId, ...instrumentScopeLabels(i.certificateId, kind) };
  if (kind === 'standard_contract' && i.effectiveFrom !== undefined) {
    const effectiveOn = chinaDate(i.effectiveFrom);
    const filedOn = i.filedAt === undefined ? undefined : chinaDay(i.filedAt);
    const filed = filedOn !== undefined && filedOn >= effectiveOn ? filedOn : undefined;
    const { severity, uncovered } = onCalendar(() => filingDueSeverity({ effectiveOn, filedOn: filed, status: i.status }, today));
    if (severity === null) return [];
    const due = uncovered ? 'the 10th working day after it' : filingDueDate(effectiveOn);
    return [
      {
        labels: alertLabels('FilingDue', severity, scope),
        summary: `${i.certificateId}: standard contract not filed, ${severity === 'critical' ? 'overdue since' : 'due by'} ${due}`,
        description:
          `Standard contract ${i.certificateId} (processor ${i.processorId}) took effect on ${effectiveOn} and no filing with the provincial CAC is recorded; ` +
          `it is due within 10 working days of taking effect (SCC Measures Art. 7), by ${due}.${uncovered ? UNCOVERED : ''}`,
      },
    ];
  }
  if (kind === 'security_assessment' && i.validTo !== undefined) {
    const validTo = i.validTo;
    const applied = i.renewalAppliedAt === undefined ? undefined : chinaDay(i.renewalAppliedAt);
    const { severity, uncovered } = onCalendar(() => assessmentExtensionSeverity({ validTo, extensionAppliedOn: applied, status: i.status }, today));
    if (severity === null) return [];
    const window = uncovered ? undefined : assessmentExtensionWindow(validTo);
    return [
      {
        labels: alertLabels('AssessmentExtensionDue', severity, scope),
        summary: `${i.certificateId}: security-assessment approval expires on ${validTo}; apply for an extension${window ? ` by ${window.closesOn}` : ''}`,
        description:
          `The security-assessment approval ${i.certificateId} (processor ${i.processorId}) is valid until ${validTo}. An extension may be applied for within ` +
          `the 60 working days before it expires (2024 Provisions Art. 8)${window ? `: from ${window.opensOn} to ${window.closesOn}` : ''}, and none is recorded.` +
          (uncovered ? UNCOVERED : ''),
      },
    ];
  }
  return [];
}
