import { describe, expect, it } from 'vitest';
import { eventCategoryCodes, OUT_OF_SCOPE_REASONS, outOfScopeReasons } from './outOfScope.js';
import type { Certificate } from './scope.js';
import { acmeCertificate, acmeEvent } from '@pi-egress/testing/fixtures';

const certificate = (patch: Partial<Certificate> = {}): Certificate =>
  acmeCertificate({
    recipients: [
      { id: 'acme-gmbh', country: 'DE' },
      { id: 'acme-sg', country: 'SG' },
    ],
    ...patch,
  });
const event = acmeEvent;

describe('outOfScopeReasons', () => {
  it('is empty for an in-scope transfer', () => {
    expect(outOfScopeReasons(event(), certificate())).toEqual([]);
  });

  it('applies only to mechanism certification', () => {
    const wild = { recipient: { id: 'x', country: 'US' }, importantData: true, certificateId: undefined } as const;
    expect(outOfScopeReasons(event({ ...wild, mechanism: 'standard_contract' }), undefined)).toEqual([]);
    expect(outOfScopeReasons(event({ ...wild, mechanism: 'security_assessment' }), undefined)).toEqual([]);
    expect(outOfScopeReasons(event({ ...wild, mechanism: 'exempt', exemptionBasis: 'emergency' }), undefined)).toEqual([]);
  });

  it('no reason but important data while the certificate is not declared (pending); another processor’s certificate is out of scope', () => {
    expect(outOfScopeReasons(event(), undefined)).toEqual([]);
    expect(outOfScopeReasons(event({ certificateId: 'CERT-2' }), certificate())).toEqual([]);
    expect(outOfScopeReasons(event(), certificate({ processorId: 'other-cn' }))).toEqual(['certificate_of_other_processor']);
    expect(outOfScopeReasons(event({ importantData: true }), undefined)).toEqual(['important_data']);
  });

  it('recipient_not_in_scope (country still declared for another recipient)', () => {
    expect(outOfScopeReasons(event({ recipient: { id: 'acme-inc', country: 'DE' } }), certificate())).toEqual(['recipient_not_in_scope']);
  });

  it('recipient and country both outside the scope', () => {
    expect(outOfScopeReasons(event({ recipient: { id: 'acme-inc', country: 'US' } }), certificate())).toEqual([
      'recipient_not_in_scope',
      'country_not_in_scope',
    ]);
  });

  it('country_not_in_scope for a declared recipient in another country', () => {
    expect(outOfScopeReasons(event({ recipient: { id: 'acme-gmbh', country: 'SG' } }), certificate())).toEqual(['country_not_in_scope']);
    expect(outOfScopeReasons(event({ recipient: { id: 'acme-gmbh', country: 'US' } }), certificate())).toEqual(['country_not_in_scope']);
  });

  it('purpose_not_in_scope (exact match)', () => {
    expect(outOfScopeReasons(event({ purpose: 'marketing' }), certificate())).toEqual(['purpose_not_in_scope']);
    expect(outOfScopeReasons(event({ purpose: 'HR_administration' }), certificate())).toEqual(['purpose_not_in_scope']);
  });

  it('category_not_in_scope for a transfer category or a subject category', () => {
    expect(outOfScopeReasons(event({ categories: ['name', 'biometric'] }), certificate())).toEqual(['category_not_in_scope']);
    expect(outOfScopeReasons(event({ subjects: [{ idHash: 'a'.repeat(64), categories: ['financial_account'] }] }), certificate())).toEqual([
      'category_not_in_scope',
    ]);
    expect(outOfScopeReasons(event({ subjects: [{ idHash: 'a'.repeat(64), categories: ['health'] }] }), certificate())).toEqual([]);
  });

  it('important_data: never under certification', () => {
    expect(outOfScopeReasons(event({ importantData: true }), certificate())).toEqual(['important_data']);
  });

  it('certificate_not_active for suspended, revoked and expired', () => {
    for (const status of ['suspended', 'revoked', 'expired'] as const) {
      expect(outOfScopeReasons(event(), certificate({ status }))).toEqual(['certificate_not_active']);
    }
  });

  it('outside_validity by the China date of occurredAt, both ends inclusive', () => {
    const c = certificate();
    expect(outOfScopeReasons(event({ occurredAt: '2025-12-31T15:59:59.999Z' }), c)).toEqual(['outside_validity']);
    expect(outOfScopeReasons(event({ occurredAt: '2025-12-31T16:00:00Z' }), c)).toEqual([]);
    expect(outOfScopeReasons(event({ occurredAt: '2028-12-31T15:59:59.999Z' }), c)).toEqual([]);
    expect(outOfScopeReasons(event({ occurredAt: '2028-12-31T16:00:00Z' }), c)).toEqual(['outside_validity']);
  });

  it('reports several reasons in the canonical order', () => {
    const reasons = outOfScopeReasons(
      event({
        importantData: true,
        purpose: 'ads',
        categories: ['biometric'],
        recipient: { id: 'z', country: 'US' },
        occurredAt: '2030-01-01T00:00:00Z',
      }),
      certificate({ status: 'suspended' }),
    );
    expect(reasons).toEqual(OUT_OF_SCOPE_REASONS.filter((r) => r !== 'unknown_certificate' && r !== 'certificate_of_other_processor'));
  });

  it('lists every category code actually sent', () => {
    expect(eventCategoryCodes({ categories: ['name'], subjects: [{ categories: ['health', 'name'] }, {}] })).toEqual(['health', 'name']);
    expect(eventCategoryCodes({ categories: ['biometric'], subjects: [{ categories: ['name'] }, { categories: ['email'] }] })).toEqual([
      'name',
      'email',
    ]);
    expect(eventCategoryCodes({ categories: ['biometric'] })).toEqual(['biometric']);
  });

  // SPEC §3: a subject's own categories replace the transfer's for it. Scope categories: name, email, health.
  it.each([
    { what: 'every subject [name] under a transfer list [biometric]', categories: ['biometric'], subjects: [['name'], ['name']], reasons: [] },
    {
      what: 'one subject without its own list gets [biometric]',
      categories: ['biometric'],
      subjects: [['name'], undefined],
      reasons: ['category_not_in_scope'],
    },
    {
      what: 'a subject sent [biometric] under a transfer list [name]',
      categories: ['name'],
      subjects: [['name'], ['biometric']],
      reasons: ['category_not_in_scope'],
    },
    { what: 'no subject has its own list', categories: ['name', 'health'], subjects: [undefined], reasons: [] },
  ])('$what → $reasons', ({ categories, subjects, reasons }) => {
    const sent = subjects.map((own, i) => ({ idHash: String(i).repeat(64), ...(own ? { categories: own } : {}) }));
    expect(outOfScopeReasons(event({ categories, subjects: sent }), certificate())).toEqual(reasons);
  });
});
