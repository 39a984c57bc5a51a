import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CategoryCatalogue } from './catalogue.js';
import type { EgressEvent } from './event.js';
import type { Certificate } from './scope.js';
import { acmeCertificate, acmeEvent } from '@pi-egress/testing/fixtures';
import type { ScopeVersion } from './scope-versions.js';
import type { ProcessorSettings } from './transfer.js';
import { prepareTransfer } from './transfer.js';

const KEY = 'k';
const catalogue = new CategoryCatalogue();
const h = (id: string) => createHmac('sha256', KEY).update(id).digest('hex');
const HASH_B = 'B'.repeat(64);

const certificate = (): Certificate => acmeCertificate({ groupId: 'acme-cert-group' });
/** The certificate as one version in force from the start. */
const versions = (c: Certificate = certificate()): ScopeVersion[] => [{ certificate: c, effectiveFrom: new Date(0), declaredAt: new Date(0) }];
const event = (patch: Partial<EgressEvent> = {}): EgressEvent => acmeEvent({ occurredAt: '2026-12-31T23:30:00+08:00', ...patch });
const processor = (patch: Partial<ProcessorSettings> = {}): ProcessorSettings => ({
  processorId: 'acme-cn',
  countExempt: false,
  ciiOperator: false,
  ...patch,
});

describe('prepareTransfer', () => {
  it('maps an in-scope certification transfer', () => {
    const t = prepareTransfer(event(), { key: KEY, catalogue, versions: versions(), processor: processor({ groupId: 'acme' }) });
    expect(t).toEqual({
      eventId: 'evt-1',
      occurredAt: new Date('2026-12-31T15:30:00Z'),
      year: 2026,
      processorId: 'acme-cn',
      certificateId: 'CERT-1',
      certificateOwnership: 'own',
      scopeVersion: '1970-01-01T00:00:00.000Z',
      groupId: 'acme',
      mechanism: 'certification',
      channel: 'transfer',
      exemptionBasis: null,
      system: 'hr',
      recipientId: 'acme-gmbh',
      recipientCountry: 'DE',
      purpose: 'hr_administration',
      categories: ['name', 'email'],
      importantData: false,
      domestic: false,
      counted: true,
      unknownCategories: [],
      outOfScopeReasons: [],
      classes: ['nonSensitive'],
      subjects: [{ idHash: h('alice@example.com'), classes: ['nonSensitive'] }],
    });
  });

  it('counts in the year of occurredAt in China time', () => {
    expect(prepareTransfer(event({ occurredAt: '2026-12-31T15:59:59.999Z' }), { key: KEY, catalogue }).year).toBe(2026);
    expect(prepareTransfer(event({ occurredAt: '2026-12-31T16:00:00Z' }), { key: KEY, catalogue }).year).toBe(2027);
  });

  it('a name + health transfer gives both classes to each subject', () => {
    const t = prepareTransfer(event({ categories: ['name', 'health'] }), { key: KEY, catalogue });
    expect(t.classes).toEqual(['nonSensitive', 'sensitive']);
    expect(t.subjects[0]?.classes).toEqual(['nonSensitive', 'sensitive']);
  });

  it('an unknown category counts as sensitive and is reported', () => {
    const t = prepareTransfer(event({ categories: ['name', 'shoe_size'] }), { key: KEY, catalogue, versions: versions() });
    expect(t.classes).toEqual(['nonSensitive', 'sensitive']);
    expect(t.unknownCategories).toEqual(['shoe_size']);
    expect(t.outOfScopeReasons).toEqual(['category_not_in_scope']);
  });

  it("a subject's own categories replace the transfer's for it", () => {
    const t = prepareTransfer(
      event({
        categories: ['name'],
        subjects: [{ id: 'a' }, { id: 'b', categories: ['health'] }, { idHash: HASH_B, categories: ['mystery', 'email'] }],
      }),
      { key: KEY, catalogue },
    );
    expect(t.subjects).toEqual([
      { idHash: h('a'), classes: ['nonSensitive'] },
      { idHash: h('b'), classes: ['sensitive'] },
      { idHash: 'b'.repeat(64), classes: ['nonSensitive', 'sensitive'] },
    ]);
    expect(t.classes).toEqual(['nonSensitive', 'sensitive']);
    expect(t.unknownCategories).toEqual(['mystery']);
    expect(t.categories).toEqual(['name', 'health', 'mystery', 'email']);
  });

  it('uses only the categories actually sent: a transfer list every subject replaces is neither classified nor reported', () => {
    const t = prepareTransfer(event({ categories: ['biometric', 'mystery'], subjects: [{ id: 'a', categories: ['name'] }] }), {
      key: KEY,
      catalogue,
    });
    expect(t.classes).toEqual(['nonSensitive']);
    expect(t.unknownCategories).toEqual([]);
    expect(t.categories).toEqual(['name']);
  });

  it('deduplicates subjects by pseudonym, merging classes', () => {
    const t = prepareTransfer(
      event({
        categories: ['name'],
        subjects: [{ id: ' Alice@Example.com ' }, { idHash: h('alice@example.com').toUpperCase(), categories: ['biometric'] }, { id: 'bob' }],
      }),
      { key: KEY, catalogue },
    );
    expect(t.subjects).toEqual([
      { idHash: h('alice@example.com'), classes: ['nonSensitive', 'sensitive'] },
      { idHash: h('bob'), classes: ['nonSensitive'] },
    ]);
  });

  it('never carries a raw subject id', () => {
    const t = prepareTransfer(event({ subjects: [{ id: 'secret-person-77' }] }), { key: KEY, catalogue });
    expect(JSON.stringify(t)).not.toContain('secret-person-77');
  });

  it('an exempt transfer with a basis is recorded but not counted', () => {
    const e = event({ mechanism: 'exempt', exemptionBasis: 'hr_management', certificateId: undefined });
    const t = prepareTransfer(e, { key: KEY, catalogue, processor: processor() });
    expect(t.counted).toBe(false);
    expect(t.exemptionBasis).toBe('hr_management');
    expect(t.subjects).toHaveLength(1);
    expect(prepareTransfer(e, { key: KEY, catalogue }).counted).toBe(false);
  });

  it('an exempt transfer is counted when the processor opts in', () => {
    const e = event({ mechanism: 'exempt', exemptionBasis: 'emergency', certificateId: undefined });
    expect(prepareTransfer(e, { key: KEY, catalogue, processor: processor({ countExempt: true }) }).counted).toBe(true);
  });

  it('ignores settings of another processor', () => {
    const e = event({ mechanism: 'exempt', exemptionBasis: 'emergency', certificateId: undefined });
    const other = processor({ processorId: 'other', countExempt: true, groupId: 'g' });
    const t = prepareTransfer(e, { key: KEY, catalogue, processor: other });
    expect(t.counted).toBe(false);
    expect(t.groupId).toBeNull();
  });

  it('other mechanisms count and are never out of scope', () => {
    const t = prepareTransfer(event({ mechanism: 'standard_contract', certificateId: undefined, importantData: true }), { key: KEY, catalogue });
    expect(t.counted).toBe(true);
    expect(t.outOfScopeReasons).toEqual([]);
    expect(t.certificateId).toBeNull();
  });

  it('keeps a certificateId only for certification transfers', () => {
    const t = prepareTransfer(event({ mechanism: 'security_assessment' }), { key: KEY, catalogue, versions: versions() });
    expect(t.certificateId).toBeNull();
  });

  it('reports out-of-scope reasons; a certificate not declared yet leaves the transfer pending, not out of scope', () => {
    expect(prepareTransfer(event({ importantData: true }), { key: KEY, catalogue, versions: versions() }).outOfScopeReasons).toEqual([
      'important_data',
    ]);
    const t = prepareTransfer(event(), { key: KEY, catalogue });
    expect(t.outOfScopeReasons).toEqual([]);
    expect(t.certificateOwnership).toBe('pending');
    expect(t.scopeVersion).toBeNull();
    expect(t.certificateId).toBe('CERT-1');
  });

  it("another processor's certificate: out of scope, and never counted against it", () => {
    const t = prepareTransfer(event({ processorId: 'other-cn' }), { key: KEY, catalogue, versions: versions() });
    expect(t.outOfScopeReasons).toEqual(['certificate_of_other_processor']);
    expect(t.certificateOwnership).toBe('foreign');
  });

  it('judges against the version in force when the transfer occurred', () => {
    const suspended = { ...certificate(), status: 'suspended' as const };
    const timeline: ScopeVersion[] = [
      ...versions(),
      { certificate: suspended, effectiveFrom: new Date('2026-06-10T00:00:00+08:00'), declaredAt: new Date('2026-07-01T00:00:00Z') },
    ];
    const before = prepareTransfer(event({ occurredAt: '2026-06-05T12:00:00+08:00' }), { key: KEY, catalogue, versions: timeline });
    const after = prepareTransfer(event({ occurredAt: '2026-06-11T12:00:00+08:00' }), { key: KEY, catalogue, versions: timeline });
    expect(before.outOfScopeReasons).toEqual([]);
    expect(after.outOfScopeReasons).toEqual(['certificate_not_active']);
    expect(after.scopeVersion).toBe('2026-06-09T16:00:00.000Z');
  });

  it('takes groupId from the processor settings alone (the one source of membership)', () => {
    const ctx = { key: KEY, catalogue, versions: versions() };
    expect(prepareTransfer(event(), { ...ctx, processor: processor({ groupId: 'acme' }) }).groupId).toBe('acme');
    expect(prepareTransfer(event(), { ...ctx, processor: processor() }).groupId).toBeNull();
    expect(prepareTransfer(event(), { key: KEY, catalogue }).groupId).toBeNull();
  });

  it('maps absent optional fields to null', () => {
    const { system: _s, ...noSystem } = event();
    const t = prepareTransfer(noSystem, { key: KEY, catalogue });
    expect(t.system).toBeNull();
    expect(t.exemptionBasis).toBeNull();
  });

  it('records a transfer to mainland China (CN) as domestic: never counted, never out of scope', () => {
    const t = prepareTransfer(event({ recipient: { id: 'acme-sh', country: 'CN' }, importantData: true }), {
      key: KEY,
      catalogue,
      versions: versions(acmeCertificate()),
    });
    expect(t).toMatchObject({ domestic: true, counted: false, outOfScopeReasons: [] });
    // Hong Kong is abroad: counted, and out of this scope (only DE is declared).
    const hk = prepareTransfer(event({ recipient: { id: 'acme-gmbh', country: 'HK' } }), {
      key: KEY,
      catalogue,
      versions: versions(acmeCertificate()),
    });
    expect(hk).toMatchObject({ domestic: false, counted: true, outOfScopeReasons: ['country_not_in_scope'] });
  });
});
