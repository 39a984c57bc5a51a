import { describe, expect, it } from 'vitest';
import { isExpired, renewalAlertSeverity } from './lifecycle.js';

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
});

describe('expiry', () => {
  it('expires after validTo, not on it', () => {
    expect(isExpired({ validTo: '2028-12-31' }, '2028-12-31')).toBe(false);
    expect(isExpired({ validTo: '2028-12-31' }, '2029-01-01')).toBe(true);
  });
});
