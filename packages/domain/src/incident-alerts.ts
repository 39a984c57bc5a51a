import { alertLabels, instrumentScopeLabels, type AlertCandidate } from './alert-model.js';
import { INSTRUMENT_WORDS, OUT_OF_SCOPE_CONSEQUENCE, type InstrumentKind } from './instrument.js';

/**
 * Alerts on individual transfers (SPEC §5): out of scope (label `reason`), important data under
 * any mechanism but a security assessment, a CII operator under certification or a standard
 * contract, unknown category codes. Transfers are summarised per processor, certificate and
 * kind over a recent window, so a burst of bad events is one alert, not one per event.
 */
export type IncidentSummary =
  | (IncidentCommon & { kind: 'out_of_scope'; reason: string })
  | (IncidentCommon & { kind: 'important_data' })
  | (IncidentCommon & { kind: 'cii_operator' })
  | (IncidentCommon & { kind: 'unknown_category'; codes: readonly string[] });

interface IncidentCommon {
  /** Counting year of the transfers (alerts about them carry it). */
  year?: number | undefined;
  processorId: string;
  /** The instrument the transfers cite (a certificate under certification); empty or null when none. */
  certificateId: string | null;
  /** Their mechanism (certification when not given): names the instrument's kind. */
  mechanism?: string | undefined;
  /** Transfers in the window and the latest of them (event ids are producer ids, never subject ids). */
  events: number;
  lastEventId: string;
}

function transfers(s: IncidentCommon): string {
  return `${s.events} transfer${s.events === 1 ? '' : 's'} (latest event ${s.lastEventId})`;
}

export function incidentAlert(s: IncidentSummary): AlertCandidate {
  const kind = s.mechanism && s.mechanism !== 'exempt' ? (s.mechanism as InstrumentKind) : 'certification';
  const scope = {
    processor_id: s.processorId,
    ...instrumentScopeLabels(s.certificateId, kind),
    year: s.year === undefined ? undefined : String(s.year),
  };
  const under = s.certificateId ? `${INSTRUMENT_WORDS[kind]} ${s.certificateId}` : `processor ${s.processorId}`;
  const consequence = OUT_OF_SCOPE_CONSEQUENCE[kind];
  switch (s.kind) {
    case 'out_of_scope':
      return {
        labels: alertLabels('OutOfScopeTransfer', 'critical', { ...scope, reason: s.reason }),
        summary: `${under}: transfer out of the declared scope (${s.reason})`,
        description: `${transfers(s)} of processor ${s.processorId} outside the scope of ${under}: ${s.reason}. ${consequence}`,
      };
    case 'important_data':
      return {
        labels: alertLabels('ImportantDataTransfer', 'critical', scope),
        summary: `${under}: important data sent without a security assessment`,
        description: `${transfers(s)} of processor ${s.processorId} carried important data under ${under} without a security assessment. Important data may only go abroad after a CAC security assessment (2024 Provisions Art. 7); certification and the standard contract do not cover it.`,
      };
    case 'cii_operator':
      return {
        labels: alertLabels('CiiOperatorWithoutAssessment', 'critical', scope),
        summary: `${under}: CII operator transferred PI without a security assessment`,
        description: `${transfers(s)} of processor ${s.processorId}, a critical information infrastructure operator, went under certification or a standard contract. A CII operator needs a CAC security assessment (PIPL Art. 40).`,
      };
    case 'unknown_category':
      return {
        labels: alertLabels('UnknownCategory', 'warning', scope),
        summary: `${under}: category codes not in the catalogue`,
        description: `${transfers(s)} of processor ${s.processorId} used codes missing from the category catalogue (${s.codes.join(', ')}); they are counted as sensitive PI until classified.`,
      };
  }
}
