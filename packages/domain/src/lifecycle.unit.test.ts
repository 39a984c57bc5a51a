import { describe, expect, it } from 'vitest';
import { hasActiveSuccessor, isExpired, renewalAlertSeverity, renewalStanding } from './lifecycle.js';

const cert = (renewalAppliedAt?: string) => ({
  validTo: '2028-12-31',
  renewalAppliedAt,
  alerting: { levels: [0.8], forecastHorizonDays: 30, renewalLeadDays: 30 },
});

describe('renewal due (validTo − 6 months = 2028-06-30)', () => {
  it('is silent before the lead window', () => {
    expect(renewalAlertSeverity(cert(), '2028-05-30')).toBeNull();
  });

  it('warns within renewalLeadDays of the due date, due date included', () => {
    expect(renewalAlertSeverity(cert(), '2028-05-31')).toBe('warning');
    expect(renewalAlertSeverity(cert(), '2028-06-30')).toBe('warning');
  });

  it('is critical once the due date has passed', () => {
    expect(renewalAlertSeverity(cert(), '2028-07-01')).toBe('critical');
  });

  it('is silent once a renewal was applied for', () => {
    expect(renewalAlertSeverity(cert('2028-06-01'), '2028-07-01')).toBeNull();
  });

  it('is silent for a suspended or revoked certificate, past the due date too', () => {
    expect(renewalAlertSeverity({ ...cert(), status: 'revoked' }, '2028-07-01')).toBeNull();
    expect(renewalAlertSeverity({ ...cert(), status: 'suspended' }, '2028-06-15')).toBeNull();
    expect(renewalAlertSeverity({ ...cert(), status: 'active' }, '2028-07-01')).toBe('critical');
  });
});

describe('renewal application (due validTo − 6 months)', () => {
  // validTo 2028-12-31 → due 2028-06-30; validTo 2029-08-31 → due 2029-02-28 (month-end clamped).
  it.each([
    { validTo: '2028-12-31', renewalAppliedAt: undefined, dueDate: '2028-06-30', appliedOn: null, late: false },
    { validTo: '2028-12-31', renewalAppliedAt: '2028-06-30', dueDate: '2028-06-30', appliedOn: '2028-06-30', late: false },
    { validTo: '2028-12-31', renewalAppliedAt: '2028-07-01', dueDate: '2028-06-30', appliedOn: '2028-07-01', late: true },
    // 16:30 UTC on 30 June is 00:30 on 1 July in China: late.
    { validTo: '2028-12-31', renewalAppliedAt: '2028-06-30T16:30:00Z', dueDate: '2028-06-30', appliedOn: '2028-07-01', late: true },
    { validTo: '2028-12-31', renewalAppliedAt: '2028-06-30T15:59:59Z', dueDate: '2028-06-30', appliedOn: '2028-06-30', late: false },
    { validTo: '2029-08-31', renewalAppliedAt: '2029-03-01', dueDate: '2029-02-28', appliedOn: '2029-03-01', late: true },
  ])('validTo $validTo applied $renewalAppliedAt: late $late', ({ validTo, renewalAppliedAt, dueDate, appliedOn, late }) => {
    expect(renewalStanding({ validTo, renewalAppliedAt })).toEqual({ dueDate, appliedOn, late });
  });
});

describe('successor', () => {
  const expired = { processorId: 'P1', supersededBy: 'CERT-2' };
  const successor = { certificateId: 'CERT-2', processorId: 'P1', status: 'active' as const, validFrom: '2029-01-01', validTo: '2031-12-31' };
  it.each([
    { what: 'declared, active, in validity', s: successor, today: '2029-01-01', expected: true },
    { what: 'not yet valid', s: successor, today: '2028-12-31', expected: false },
    { what: 'suspended', s: { ...successor, status: 'suspended' as const }, today: '2029-01-01', expected: false },
    { what: 'of another processor', s: { ...successor, processorId: 'P2' }, today: '2029-01-01', expected: false },
    { what: 'not the one named', s: { ...successor, certificateId: 'CERT-3' }, today: '2029-01-01', expected: false },
    { what: 'missing', s: undefined, today: '2029-01-01', expected: false },
  ])('$what → $expected', ({ s, today, expected }) => {
    expect(hasActiveSuccessor(expired, s, today)).toBe(expected);
  });
});

describe('expiry', () => {
  it('expires after validTo, not on it', () => {
    expect(isExpired({ validTo: '2028-12-31' }, '2028-12-31')).toBe(false);
    expect(isExpired({ validTo: '2028-12-31' }, '2029-01-01')).toBe(true);
  });
});
