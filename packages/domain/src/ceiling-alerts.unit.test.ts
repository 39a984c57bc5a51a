import { describe, expect, it } from 'vitest';
import { pathwayCeilingAlerts, splittingRiskAlerts, splittingRiskClasses } from './ceiling-alerts.js';

const counts = (nonSensitive: number, sensitive = 0) => ({ nonSensitive, sensitive });

describe('PathwayCeilingReached', () => {
  it('fires at 1,000,000 non-sensitive and 10,000 sensitive (以上), once per certificate', () => {
    expect(pathwayCeilingAlerts('P1', counts(999_999, 9_999), ['C1'])).toEqual([]);
    const alerts = pathwayCeilingAlerts('P1', counts(1_000_000, 10_000), ['C1', 'C2']);
    expect(alerts.map((a) => [a.labels.class, a.labels.certificate_id])).toEqual([
      ['non_sensitive', 'C1'],
      ['non_sensitive', 'C2'],
      ['sensitive', 'C1'],
      ['sensitive', 'C2'],
    ]);
  });

  it('fires without certificate_id for a processor with no certificate', () => {
    const [alert] = pathwayCeilingAlerts('P9', counts(0, 10_000), []);
    expect(alert?.labels).toEqual({ alertname: 'PathwayCeilingReached', severity: 'critical', processor_id: 'P9', class: 'sensitive' });
  });
});

describe('SplittingRisk', () => {
  it('fires when the group reaches a threshold while every member is below it', () => {
    expect(splittingRiskClasses(counts(1_000_000), [counts(600_000), counts(400_000)])).toEqual(['nonSensitive']);
    expect(splittingRiskClasses(counts(999_999), [counts(600_000), counts(399_999)])).toEqual([]);
    expect(splittingRiskClasses(counts(0, 10_000), [counts(0, 9_999), counts(0, 1)])).toEqual(['sensitive']);
  });

  it('leaves a member that reached the threshold itself to PathwayCeilingReached', () => {
    expect(splittingRiskClasses(counts(1_200_000), [counts(1_000_000), counts(200_000)])).toEqual([]);
  });

  it('labels the alert with the group and class', () => {
    const [alert] = splittingRiskAlerts('G1', counts(0, 10_000), [
      { processorId: 'PA', counts: counts(0, 5_000) },
      { processorId: 'PB', counts: counts(0, 5_000) },
    ]);
    expect(alert?.labels).toEqual({ alertname: 'SplittingRisk', severity: 'critical', group_id: 'G1', class: 'sensitive' });
    expect(alert?.description).toContain('PA, PB');
  });
});
