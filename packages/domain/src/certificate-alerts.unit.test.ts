import { describe, expect, it } from 'vitest';
import { makeCertificate } from '@pi-egress/testing/fixtures';
import { certificateAlerts, classStandings, lifecycleAlerts } from './certificate-alerts.js';
import { certificateSchema, type Certificate } from './scope.js';

const certificate = (overrides: Partial<Certificate> = {}): Certificate =>
  certificateSchema.parse(makeCertificate({ limits: { nonSensitive: 1_000, sensitive: 100 }, ...overrides }));

const at = (nonSensitive: number, sensitive = 0, dailyNew: Array<{ day: string; counts: { nonSensitive: number; sensitive: number } }> = []) =>
  certificateAlerts({ certificate: certificate(), counts: { nonSensitive, sensitive }, dailyNew, today: '2026-06-01', year: 2026 });

const names = (alerts: ReturnType<typeof at>) =>
  alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}${a.labels.level ? `@${a.labels.level}` : ''}/${a.labels.class ?? ''}`);

describe('certificate usage alerts', () => {
  it('fires one ScopeUtilization per level reached, with its severity', () => {
    expect(names(at(799))).toEqual([]);
    expect(names(at(800))).toEqual(['ScopeUtilization/warning@0.8/non_sensitive']);
    expect(names(at(900))).toEqual(['ScopeUtilization/warning@0.8/non_sensitive', 'ScopeUtilization/high@0.9/non_sensitive']);
    expect(names(at(950, 95))).toEqual([
      'ScopeUtilization/warning@0.8/non_sensitive',
      'ScopeUtilization/high@0.9/non_sensitive',
      'ScopeUtilization/critical@0.95/non_sensitive',
      'ScopeUtilization/warning@0.8/sensitive',
      'ScopeUtilization/high@0.9/sensitive',
      'ScopeUtilization/critical@0.95/sensitive',
    ]);
  });

  it('fires ScopeCapExceeded only above the cap, with the SPEC §5 labels', () => {
    expect(names(at(1_000)).filter((n) => n.startsWith('ScopeCap'))).toEqual([]);
    const exceeded = at(1_001).find((a) => a.labels.alertname === 'ScopeCapExceeded');
    expect(exceeded?.labels).toEqual({
      alertname: 'ScopeCapExceeded',
      severity: 'critical',
      processor_id: 'P1',
      certificate_id: 'CERT-1',
      class: 'non_sensitive',
    });
  });

  it('forecasts the cap within the horizon at the trailing 14-day rate', () => {
    // Data since January; 140 new individuals in the last 14 days = 10/day; 500 left → 50 days: beyond the 30-day horizon.
    const slow = [
      { day: '2026-01-10', counts: { nonSensitive: 360, sensitive: 0 } },
      { day: '2026-05-25', counts: { nonSensitive: 140, sensitive: 0 } },
    ];
    expect(names(at(500, 0, slow))).toEqual([]);
    // Data since January; 392 in the window = 28/day; 300 left → 11 days.
    const fast = [
      { day: '2026-01-10', counts: { nonSensitive: 308, sensitive: 0 } },
      { day: '2026-05-30', counts: { nonSensitive: 392, sensitive: 0 } },
    ];
    const alerts = at(700, 0, fast);
    expect(names(alerts)).toEqual(['ForecastCapBreach/warning/non_sensitive']);
    expect(alerts[0]?.summary).toContain('2026-06-12');
  });

  it('does not forecast past 31 December, nor for a zero cap', () => {
    const late = certificateAlerts({
      certificate: certificate({ limits: { nonSensitive: 1_000, sensitive: 0 } }),
      counts: { nonSensitive: 700, sensitive: 0 },
      dailyNew: [{ day: '2026-12-30', counts: { nonSensitive: 140, sensitive: 0 } }],
      today: '2026-12-30',
      year: 2026,
    });
    expect(names(late)).toEqual([]);
  });

  it('forecasts from the days that can have data: 2,000 a day on 1–5 January against 60,000 reaches it on 30 January', () => {
    // 10,000 over 5 days = 2,000/day; 50,000 left → 25 days after 5 January = 30 January (within 30 days).
    const january = ['01', '02', '03', '04', '05'].map((d) => ({ day: `2026-01-${d}`, counts: { nonSensitive: 2_000, sensitive: 0 } }));
    const alerts = certificateAlerts({
      certificate: certificate({ limits: { nonSensitive: 60_000, sensitive: 100 } }),
      counts: { nonSensitive: 10_000, sensitive: 0 },
      dailyNew: january,
      today: '2026-01-05',
      year: 2026,
    });
    expect(names(alerts)).toEqual(['ForecastCapBreach/warning/non_sensitive']);
    expect(alerts[0]?.summary).toContain('2026-01-30');
  });

  it('does not fire ForecastCapBreach for a date after validTo', () => {
    // 392 over the 14 days 19 May–1 June = 28/day; 300 left → 11 days: 12 June.
    const input = (validTo: string) =>
      certificateAlerts({
        certificate: certificate({ validFrom: '2024-06-11', validTo, renewalAppliedAt: '2025-12-01' }),
        counts: { nonSensitive: 700, sensitive: 0 },
        dailyNew: [
          { day: '2026-05-19', counts: { nonSensitive: 392, sensitive: 0 } },
          { day: '2026-01-02', counts: { nonSensitive: 308, sensitive: 0 } },
        ],
        today: '2026-06-01',
        year: 2026,
      });
    expect(names(input('2026-06-12'))).toEqual(['ForecastCapBreach/warning/non_sensitive']);
    expect(names(input('2026-06-11'))).toEqual([]);
  });

  it('exposes the standing of each class for the metrics', () => {
    const [ns, s] = classStandings({
      certificate: certificate(),
      counts: { nonSensitive: 250, sensitive: 0 },
      dailyNew: [],
      today: '2026-06-01',
      year: 2026,
    });
    expect(ns).toMatchObject({ dataClass: 'nonSensitive', count: 250, cap: 1_000, utilization: 0.25, forecast: null });
    expect(s).toMatchObject({ dataClass: 'sensitive', count: 0, cap: 100, utilization: 0 });
  });
});

describe('certificate lifecycle alerts (validTo 2028-12-31, renewal due 2028-06-30)', () => {
  const lifecycle = (today: string, overrides: Partial<Certificate> = {}) => names(lifecycleAlerts(certificate(overrides), today));
  it('warns renewalLeadDays before the due date and is critical after it', () => {
    expect(lifecycle('2028-05-30')).toEqual([]);
    expect(lifecycle('2028-05-31')).toEqual(['CertificateRenewalDue/warning/']);
    expect(lifecycle('2028-06-30')).toEqual(['CertificateRenewalDue/warning/']);
    expect(lifecycle('2028-07-01')).toEqual(['CertificateRenewalDue/critical/']);
    expect(lifecycle('2028-07-01', { renewalAppliedAt: '2028-06-15' })).toEqual([]);
  });

  it('expires the day after validTo, replacing the renewal alert', () => {
    expect(lifecycle('2028-12-31')).toEqual(['CertificateRenewalDue/critical/']);
    expect(lifecycle('2029-01-01')).toEqual(['CertificateExpired/critical/']);
  });

  it('is quiet for a revoked certificate past its renewal due date', () => {
    expect(lifecycle('2028-07-01', { status: 'revoked' })).toEqual([]);
  });

  it('stops CertificateExpired once a declared successor is active', () => {
    const successor = certificate({ certificateId: 'CERT-2', validFrom: '2029-01-01', validTo: '2031-12-31' });
    const expired = certificate({ supersededBy: 'CERT-2' });
    expect(names(lifecycleAlerts(expired, '2029-01-01', successor))).toEqual([]);
    expect(names(lifecycleAlerts(expired, '2029-01-01', { ...successor, status: 'suspended' }))).toEqual(['CertificateExpired/critical/']);
    expect(names(lifecycleAlerts(certificate(), '2029-01-01', successor))).toEqual(['CertificateExpired/critical/']);
  });
});
