import { describe, expect, it } from 'vitest';
import { acmeCertificate } from '@pi-egress/testing/fixtures';
import type { Instrument } from './instrument.js';
import { instrumentGap, pathwayInstrumentAlert, type InstrumentUse } from './instrument-alerts.js';

/**
 * NoValidInstrument. Expected values from SPEC §2's table (PIPL Art. 38, 40; 2024 Provisions
 * Art. 7–8): 100,000 non-sensitive 以上 or 1 sensitive needs a contract, certificate or approval;
 * 1,000,000 non-sensitive or 10,000 sensitive 以上, or a CII operator, needs an approval.
 */
const certificate = acmeCertificate();
const of = (kind: Instrument['kind'], patch: Partial<Instrument> = {}): Instrument => ({ ...certificate, kind, ...patch });

describe('pathwayInstrumentAlert', () => {
  const cases: Array<[string, { nonSensitive: number; sensitive: number }, boolean, Instrument[], string | null]> = [
    ['99,999 non-sensitive, nothing held: exempt', { nonSensitive: 99_999, sensitive: 0 }, false, [], null],
    ['100,000 non-sensitive, nothing held', { nonSensitive: 100_000, sensitive: 0 }, false, [], 'standard_contract_or_certification'],
    ['1 sensitive, nothing held', { nonSensitive: 0, sensitive: 1 }, false, [], 'standard_contract_or_certification'],
    ['100,000 non-sensitive under an active contract', { nonSensitive: 100_000, sensitive: 0 }, false, [of('standard_contract')], null],
    ['100,000 non-sensitive under a certificate', { nonSensitive: 100_000, sensitive: 0 }, false, [of('certification')], null],
    [
      '100,000 non-sensitive under a suspended contract',
      { nonSensitive: 100_000, sensitive: 0 },
      false,
      [of('standard_contract', { status: 'suspended' })],
      'standard_contract_or_certification',
    ],
    [
      '100,000 non-sensitive under a contract that ended',
      { nonSensitive: 100_000, sensitive: 0 },
      false,
      [of('standard_contract', { validTo: '2026-05-31' })],
      'standard_contract_or_certification',
    ],
    [
      "100,000 non-sensitive, another processor's contract",
      { nonSensitive: 100_000, sensitive: 0 },
      false,
      [of('standard_contract', { processorId: 'other' })],
      'standard_contract_or_certification',
    ],
    ['1,000,000 non-sensitive under a contract', { nonSensitive: 1_000_000, sensitive: 0 }, false, [of('standard_contract')], 'security_assessment'],
    ['10,000 sensitive under a certificate', { nonSensitive: 0, sensitive: 10_000 }, false, [of('certification')], 'security_assessment'],
    ['9,999 sensitive under a certificate', { nonSensitive: 0, sensitive: 9_999 }, false, [of('certification')], null],
    ['1,000,000 non-sensitive under an approval', { nonSensitive: 1_000_000, sensitive: 0 }, false, [of('security_assessment')], null],
    ['a CII operator with 1 sensitive under a certificate', { nonSensitive: 0, sensitive: 1 }, true, [of('certification')], 'security_assessment'],
  ];
  it.each(cases)('%s', (_name, counts, ciiOperator, instruments, pathway) => {
    const alert = pathwayInstrumentAlert({ processorId: certificate.processorId, year: 2026, counts, ciiOperator, instruments, day: '2026-06-30' });
    expect(alert?.labels.pathway ?? null).toBe(pathway);
    if (alert)
      expect(alert.labels).toMatchObject({
        alertname: 'NoValidInstrument',
        severity: 'critical',
        processor_id: certificate.processorId,
        year: '2026',
      });
  });
});

describe('instrumentGap', () => {
  const use = (patch: Partial<InstrumentUse>): InstrumentUse => ({
    year: 2026,
    processorId: certificate.processorId,
    mechanism: 'standard_contract',
    instrumentId: 'SCC-1',
    events: 1,
    lastEventId: 'e',
    inactiveEvents: 0,
    ...patch,
  });
  const scc = of('standard_contract', { certificateId: 'SCC-1' });
  it.each([
    ['a contract transfer naming none', use({ instrumentId: null }), undefined, 'none_cited'],
    ['a contract not declared', use({}), undefined, 'not_declared'],
    ['a certification transfer citing an undeclared certificate waits (pending)', use({ mechanism: 'certification' }), undefined, null],
    ['a certificate cited under a contract', use({}), of('certification', { certificateId: 'SCC-1' }), 'other_kind'],
    ["another processor's contract", use({}), of('standard_contract', { certificateId: 'SCC-1', processorId: 'other' }), 'other_processor'],
    ['transfers made while it was suspended', use({ inactiveEvents: 1 }), scc, 'not_active'],
    ['its own active contract', use({}), scc, null],
  ] as const)('%s', (_name, u, instrument, gap) => {
    expect(instrumentGap(u, instrument)).toBe(gap);
  });
});
