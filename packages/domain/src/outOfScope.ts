import { chinaDate } from './calendar.js';
import { citedInstrumentId, type EgressEvent } from './event.js';
import { instrumentKind, type Instrument } from './instrument.js';
import { withinValidity } from './scope.js';

/**
 * Why a transfer made under a certificate is out of its declared scope (SPEC §4). Scope
 * inconsistency obliges the certification body to suspend the certificate (Order No. 20 Art. 10).
 */
export type OutOfScopeReason =
  | 'recipient_not_in_scope'
  | 'country_not_in_scope'
  | 'purpose_not_in_scope'
  | 'category_not_in_scope'
  | 'important_data'
  | 'certificate_not_active'
  | 'outside_validity'
  | 'certificate_of_other_processor'
  /** Kept for transfers judged before pending judgements existed; no longer produced. */
  | 'unknown_certificate';

/** All reasons, in the order {@link outOfScopeReasons} reports them. */
export const OUT_OF_SCOPE_REASONS: readonly OutOfScopeReason[] = Object.freeze([
  'unknown_certificate',
  'certificate_of_other_processor',
  'certificate_not_active',
  'outside_validity',
  'important_data',
  'recipient_not_in_scope',
  'country_not_in_scope',
  'purpose_not_in_scope',
  'category_not_in_scope',
] as const);

type ScopeEvent = Pick<EgressEvent, 'mechanism' | 'processorId' | 'occurredAt' | 'recipient' | 'purpose' | 'categories'> & {
  certificateId?: string | undefined;
  instrumentId?: string | undefined;
  importantData?: boolean | undefined;
  subjects?: ReadonlyArray<{ categories?: readonly string[] | undefined }>;
};

/**
 * Every category code actually sent: each subject's own categories, or the transfer's for a
 * subject without them (SPEC §3). When every subject carries its own, the transfer-level list
 * was sent for nobody and does not count; without subjects (a bare proposal) it is the list.
 */
export function eventCategoryCodes(event: Pick<ScopeEvent, 'categories' | 'subjects'>): string[] {
  const subjects = event.subjects ?? [];
  if (subjects.length === 0) return [...new Set(event.categories)];
  const codes = new Set<string>();
  for (const s of subjects) for (const c of s.categories ?? event.categories) codes.add(c);
  return [...codes];
}

/**
 * Reasons the event is outside the scope version in force when it occurred; empty when in scope.
 * Applies to transfers made under an instrument they cite (certification, standard contract,
 * security assessment); others return []. An instrument not declared yet gives no reason but
 * important data (the transfer is pending: judged once it is declared). An instrument belongs to
 * its processor: another processor citing it is out of scope (`certificate_of_other_processor`)
 * and nothing else of that scope is judged; one of another kind than the mechanism is judged by
 * NoValidInstrument, not against its scope. Validity is judged by the China date of `occurredAt` within
 * validFrom..validTo inclusive (open-ended without validTo). Important data may go abroad only
 * after a security assessment (2024 Provisions Art. 7): a reason under the other two kinds.
 */
export function outOfScopeReasons(event: ScopeEvent, instrument: Instrument | undefined): OutOfScopeReason[] {
  const cited = citedInstrumentId(event);
  // A standard-contract or assessment transfer citing no instrument is judged by NoValidInstrument instead.
  if (cited === null) return [];
  const importantData: OutOfScopeReason[] = event.importantData && event.mechanism !== 'security_assessment' ? ['important_data'] : [];
  if (!instrument || instrument.certificateId !== cited) return importantData;
  if (instrument.processorId !== event.processorId) return ['certificate_of_other_processor', ...importantData];
  // An instrument of another kind than the mechanism is not the transfer's: NoValidInstrument judges it.
  if (instrumentKind(instrument) !== event.mechanism) return importantData;
  const reasons: OutOfScopeReason[] = [];
  if (instrument.status !== 'active') reasons.push('certificate_not_active');
  if (!withinValidity(instrument, chinaDate(event.occurredAt))) reasons.push('outside_validity');
  reasons.push(...importantData);

  const declared = instrument.recipients.filter((r) => r.id === event.recipient.id);
  if (declared.length === 0) reasons.push('recipient_not_in_scope');
  const countries = declared.length > 0 ? declared : instrument.recipients;
  if (!countries.some((r) => r.country === event.recipient.country)) reasons.push('country_not_in_scope');

  if (!instrument.purposes.includes(event.purpose)) reasons.push('purpose_not_in_scope');
  const scopeCategories = new Set(instrument.categories);
  if (eventCategoryCodes(event).some((c) => !scopeCategories.has(c))) reasons.push('category_not_in_scope');
  return reasons;
}
