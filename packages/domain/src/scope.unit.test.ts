import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acmeScopeInput } from '@pi-egress/testing/fixtures';
import { certificateSchema, renewalDueDate, validateCertificate, withinValidity } from './scope.js';

const base = () => ({ ...acmeScopeInput(), certificateId: 'CERT-2026-001', groupId: 'acme', status: 'active', ciiOperator: false });

function errorsOf(input: unknown, id?: string): string[] {
  const r = validateCertificate(input, id);
  return r.ok ? [] : r.errors;
}

describe('validateCertificate', () => {
  it('accepts a valid scope and applies defaults', () => {
    const { status: _s, ciiOperator: _c, ...minimal } = base();
    const r = validateCertificate(minimal);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.certificate.status).toBe('active');
    expect(r.certificate.ciiOperator).toBe(false);
    expect(r.certificate.alerting).toEqual({ levels: [0.8, 0.9, 0.95], forecastHorizonDays: 30, renewalLeadDays: 30 });
  });

  it('fills partial alerting settings with defaults', () => {
    const r = validateCertificate({ ...base(), alerting: { levels: [0.5] } });
    expect(r.ok && r.certificate.alerting).toEqual({ levels: [0.5], forecastHorizonDays: 30, renewalLeadDays: 30 });
  });

  it('non-sensitive cap: 999,999 accepted, 1,000,000 rejected', () => {
    expect(errorsOf({ ...base(), limits: { nonSensitive: 999_999, sensitive: 0 } })).toEqual([]);
    const errors = errorsOf({ ...base(), limits: { nonSensitive: 1_000_000, sensitive: 0 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^limits\.nonSensitive: must not exceed 999999/);
  });

  it('sensitive cap: 9,999 accepted, 10,000 rejected', () => {
    expect(errorsOf({ ...base(), limits: { nonSensitive: 0, sensitive: 9_999 } })).toEqual([]);
    expect(errorsOf({ ...base(), limits: { nonSensitive: 0, sensitive: 10_000 } })[0]).toMatch(/^limits\.sensitive: must not exceed 9999/);
  });

  it('caps must be non-negative integers', () => {
    expect(errorsOf({ ...base(), limits: { nonSensitive: -1, sensitive: 1.5 } })).toEqual([
      'limits.nonSensitive: must be ≥ 0',
      'limits.sensitive: expected an integer, received number',
    ]);
  });

  // SPEC §2: validTo ≤ validFrom + 3 years − 1 day, worked by hand per row.
  it.each([
    { validFrom: '2026-01-01', validTo: '2028-12-31', ok: true }, // the longest
    { validFrom: '2026-01-01', validTo: '2029-01-01', ok: false }, // 3 years + 1 day of validity
    { validFrom: '2026-07-15', validTo: '2029-07-14', ok: true },
    { validFrom: '2026-07-15', validTo: '2029-07-15', ok: false },
    { validFrom: '2025-03-01', validTo: '2028-02-29', ok: true }, // the day before 1 March 2028 (a leap year)
    { validFrom: '2024-02-29', validTo: '2027-02-28', ok: true }, // anniversary of 29 February in 2027: 1 March
    { validFrom: '2024-02-29', validTo: '2027-03-01', ok: false },
  ])('validity $validFrom → $validTo: $ok', ({ validFrom, validTo, ok }) => {
    expect(errorsOf({ ...base(), validFrom, validTo })).toEqual(
      ok ? [] : ['validTo: must be at most validFrom + 3 years − 1 day (2026-01-01 → 2028-12-31)'],
    );
  });

  it('validTo before validFrom is rejected; the same day is accepted', () => {
    expect(errorsOf({ ...base(), validFrom: '2026-05-02', validTo: '2026-05-01' })).toEqual(['validTo: must not be before validFrom']);
    expect(errorsOf({ ...base(), validFrom: '2026-05-01', validTo: '2026-05-01' })).toEqual([]);
  });

  it('dates must be real YYYY-MM-DD dates', () => {
    expect(errorsOf({ ...base(), validFrom: '2026-02-30' })).toEqual(['validFrom: must be a calendar date YYYY-MM-DD']);
    expect(errorsOf({ ...base(), validTo: '2028-12-31T00:00:00Z' })).toEqual(['validTo: must be a calendar date YYYY-MM-DD']);
  });

  it('ciiOperator true is rejected', () => {
    expect(errorsOf({ ...base(), ciiOperator: true })).toEqual(['ciiOperator: must be false: a CII operator may not use certification']);
  });

  it('alert levels must ascend strictly within (0, 1]', () => {
    expect(errorsOf({ ...base(), alerting: { levels: [0.9, 0.8] } })).toEqual([
      'alerting.levels[1]: must be greater than the previous level (levels ascend strictly)',
    ]);
    expect(errorsOf({ ...base(), alerting: { levels: [0.8, 0.8] } })).toHaveLength(1);
    expect(errorsOf({ ...base(), alerting: { levels: [0, 0.5] } })).toEqual(['alerting.levels[0]: must be > 0']);
    expect(errorsOf({ ...base(), alerting: { levels: [0.5, 1.01] } })).toEqual(['alerting.levels[1]: must be ≤ 1']);
    expect(errorsOf({ ...base(), alerting: { levels: [0.5, 1] } })).toEqual([]);
    expect(errorsOf({ ...base(), alerting: { levels: [] } })).toEqual(['alerting.levels: must not be empty']);
  });

  it('the id must match the path', () => {
    expect(errorsOf(base(), 'CERT-2026-001')).toEqual([]);
    expect(errorsOf(base(), 'OTHER')).toEqual(['certificateId: must match the id in the path']);
  });

  it('names missing, unknown and malformed fields', () => {
    const { issuedBy: _i, ...noIssuer } = base();
    expect(errorsOf(noIssuer)).toEqual(['issuedBy: is required']);
    expect(errorsOf({ ...base(), limit: {} })).toEqual(['(root): unrecognized key: limit']);
    expect(errorsOf({ ...base(), status: 'paused' })).toEqual(['status: must be one of "active", "suspended", "revoked", "expired"']);
    expect(errorsOf({ ...base(), recipients: [{ id: 'x', country: 'de' }] })).toEqual([
      'recipients[0].country: must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE',
    ]);
    expect(errorsOf({ ...base(), recipients: [{ id: 'x', country: 'UK' }] })).toEqual([
      'recipients[0].country: UK is not an ISO 3166-1 alpha-2 code: use GB',
    ]);
    expect(
      errorsOf({
        ...base(),
        recipients: [
          { id: 'x', country: 'HK' },
          { id: 'y', country: 'CN' },
        ],
      }),
    ).toEqual(['recipients[1].country: CN is mainland China: a recipient there is not an outbound transfer (HK, MO and TW count as abroad)']);
    expect(errorsOf({ ...base(), categories: [] })).toEqual(['categories: must not be empty']);
    expect(errorsOf({ ...base(), purposes: [''] })).toEqual(['purposes[0]: must not be empty']);
    expect(errorsOf('nope')).toEqual(['(root): expected an object, received string']);
  });

  it('lists every error at once, cross-field rules included', () => {
    const errors = errorsOf({ ...base(), ciiOperator: true, limits: { nonSensitive: 1_000_000, sensitive: 10_000 }, validTo: '2030-01-01' }, 'X');
    expect(errors).toHaveLength(5);
    expect(errors.map((e) => e.split(':')[0])).toEqual(['limits.nonSensitive', 'limits.sensitive', 'ciiOperator', 'validTo', 'certificateId']);
  });

  it('accepts renewalAppliedAt as a date or a timestamp', () => {
    expect(errorsOf({ ...base(), renewalAppliedAt: '2028-05-01' })).toEqual([]);
    expect(errorsOf({ ...base(), renewalAppliedAt: '2028-05-01T10:00:00+08:00' })).toEqual([]);
    expect(errorsOf({ ...base(), renewalAppliedAt: 'soon' })).toHaveLength(1);
  });
});

describe('certificate lifecycle dates', () => {
  it('renewal is due 6 months before validTo, clamped to month end', () => {
    expect(renewalDueDate({ validTo: '2028-12-31' })).toBe('2028-06-30');
    expect(renewalDueDate({ validTo: '2029-08-31' })).toBe('2029-02-28');
    expect(renewalDueDate({ validTo: '2028-08-31' })).toBe('2028-02-29');
  });

  it('validity is inclusive at both ends', () => {
    const c = { validFrom: '2026-01-01', validTo: '2028-12-31' };
    expect(withinValidity(c, '2025-12-31')).toBe(false);
    expect(withinValidity(c, '2026-01-01')).toBe(true);
    expect(withinValidity(c, '2028-12-31')).toBe(true);
    expect(withinValidity(c, '2029-01-01')).toBe(false);
  });
});

describe('certificate JSON Schema', () => {
  it('converts with z.toJSONSchema for input and output', () => {
    const input = z.toJSONSchema(certificateSchema, { io: 'input' }) as { required: string[]; properties: Record<string, unknown> };
    expect(input.required).not.toContain('alerting');
    expect(input.required).toContain('limits');
    expect(input.properties.limits).toMatchObject({
      properties: { nonSensitive: { maximum: 999_999 }, sensitive: { maximum: 9_999 } },
    });
    const output = z.toJSONSchema(certificateSchema) as { required: string[] };
    expect(output.required).toContain('alerting');
  });
});
