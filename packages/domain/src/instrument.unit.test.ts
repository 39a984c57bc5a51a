import { describe, expect, it } from 'vitest';
import { instrumentCaps, instrumentView, validateInstrument } from './instrument.js';

/**
 * Instruments of the three pathways (SPEC §4). Expected values from the texts: a certificate and an
 * assessment approval are valid at most 3 years (Order No. 20; 2024 Provisions Art. 8); a standard
 * contract runs as agreed; a contract or a certificate never covers 1,000,000 non-sensitive or
 * 10,000 sensitive 以上 (2024 Provisions Art. 7), an approval has no such ceiling; a CII operator may
 * use neither a certificate nor a contract (PIPL Art. 40).
 */
const common = {
  processorId: 'P1',
  validFrom: '2026-01-01',
  recipients: [{ id: 'R1', country: 'DE' }],
  categories: ['name'],
  purposes: ['customer_support'],
};
const contract = (patch: Record<string, unknown> = {}) => ({ kind: 'standard_contract', instrumentId: 'SCC-1', ...common, ...patch });
const approval = (patch: Record<string, unknown> = {}) => ({
  kind: 'security_assessment',
  instrumentId: 'SA-1',
  issuedBy: 'CAC',
  validTo: '2028-12-31',
  ...common,
  ...patch,
});
const certificate = (patch: Record<string, unknown> = {}) => ({
  kind: 'certification',
  instrumentId: 'CERT-1',
  issuedBy: 'CCRC',
  validTo: '2028-12-31',
  limits: { nonSensitive: 500_000, sensitive: 5_000 },
  ...common,
  ...patch,
});

describe('validateInstrument', () => {
  it.each([
    ['a contract with no end date', contract(), true],
    ['a contract running 5 years', contract({ validTo: '2030-12-31' }), true],
    ['a contract declaring 999,999 / 9,999', contract({ limits: { nonSensitive: 999_999, sensitive: 9_999 } }), true],
    ['a contract declaring 1,000,000 non-sensitive', contract({ limits: { nonSensitive: 1_000_000, sensitive: 0 } }), false],
    ['a contract of a CII operator', contract({ ciiOperator: true }), false],
    ['a contract ending before it starts', contract({ validTo: '2025-12-31' }), false],
    ['an approval valid 3 years − 1 day', approval(), true],
    ['an approval valid 3 years', approval({ validTo: '2029-01-01' }), false],
    ['an approval declaring 5,000,000 non-sensitive', approval({ limits: { nonSensitive: 5_000_000, sensitive: 50_000 } }), true],
    ['an approval without validTo', approval({ validTo: undefined }), false],
    ['an approval with a filing date (contracts only)', approval({ filedAt: '2026-01-05' }), false],
    ['a certificate through /v1/instruments', certificate(), true],
    ['a certificate without limits', certificate({ limits: undefined }), false],
    ['an unknown kind', { ...contract(), kind: 'treaty' }, false],
  ])('%s → valid %s', (_name, input, valid) => {
    const result = validateInstrument(JSON.parse(JSON.stringify(input)));
    expect(result.ok, result.ok ? '' : result.errors.join('; ')).toBe(valid);
  });

  it('keeps the id in the path', () => {
    expect(validateInstrument(contract(), 'SCC-2')).toEqual({ ok: false, errors: ['instrumentId: must match the id in the path'] });
  });

  it('stores the id as the scope id, and shows it back as instrumentId', () => {
    const result = validateInstrument(contract());
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.instrument.certificateId).toBe('SCC-1');
    const view = instrumentView(result.instrument);
    expect(view).toMatchObject({ kind: 'standard_contract', instrumentId: 'SCC-1' });
    expect(view).not.toHaveProperty('certificateId');
  });
});

describe('instrumentCaps', () => {
  it.each([
    ['a contract declaring none: the ceilings', { kind: 'standard_contract' as const }, { nonSensitive: 999_999, sensitive: 9_999 }],
    [
      'a contract declaring some',
      { kind: 'standard_contract' as const, limits: { nonSensitive: 200_000, sensitive: 0 } },
      { nonSensitive: 200_000, sensitive: 0 },
    ],
    ['an approval declaring none: no caps', { kind: 'security_assessment' as const }, null],
    ['a certificate', { limits: { nonSensitive: 1, sensitive: 2 } }, { nonSensitive: 1, sensitive: 2 }],
  ])('%s', (_name, instrument, caps) => {
    expect(instrumentCaps(instrument)).toEqual(caps);
  });
});
