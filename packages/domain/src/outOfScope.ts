import { chinaDate } from './calendar.js';
import type { EgressEvent } from './event.js';
import type { Certificate } from './scope.js';
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

type ScopeEvent = Pick<EgressEvent, 'mechanism' | 'certificateId' | 'processorId' | 'occurredAt' | 'recipient' | 'purpose' | 'categories'> & {
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
 * Applies only to mechanism 'certification' (other mechanisms return []). A certificate not
 * declared yet gives no reason but important data (the transfer is pending: judged once it is
 * declared). A certificate belongs to its processor: another processor citing it is out of scope
 * (`certificate_of_other_processor`) and nothing else of that scope is judged. Validity is judged
 * by the China date of `occurredAt` within validFrom..validTo inclusive.
 */
export function outOfScopeReasons(event: ScopeEvent, certificate: Certificate | undefined): OutOfScopeReason[] {
  if (event.mechanism !== 'certification') return [];
  const importantData: OutOfScopeReason[] = event.importantData ? ['important_data'] : [];
  if (!certificate || certificate.certificateId !== event.certificateId) return importantData;
  if (certificate.processorId !== event.processorId) return ['certificate_of_other_processor', ...importantData];
  const reasons: OutOfScopeReason[] = [];
  if (certificate.status !== 'active') reasons.push('certificate_not_active');
  if (!withinValidity(certificate, chinaDate(event.occurredAt))) reasons.push('outside_validity');
  // Important data may never go under certification.
  if (event.importantData) reasons.push('important_data');

  const declared = certificate.recipients.filter((r) => r.id === event.recipient.id);
  if (declared.length === 0) reasons.push('recipient_not_in_scope');
  const countries = declared.length > 0 ? declared : certificate.recipients;
  if (!countries.some((r) => r.country === event.recipient.country)) reasons.push('country_not_in_scope');

  if (!certificate.purposes.includes(event.purpose)) reasons.push('purpose_not_in_scope');
  const scopeCategories = new Set(certificate.categories);
  if (eventCategoryCodes(event).some((c) => !scopeCategories.has(c))) reasons.push('category_not_in_scope');
  return reasons;
}
