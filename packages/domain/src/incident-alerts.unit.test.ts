import { describe, expect, it } from 'vitest';
import { incidentAlert } from './incident-alerts.js';

const common = { processorId: 'P1', certificateId: 'CERT-1', events: 2, lastEventId: 'evt-9' };

describe('incident alerts', () => {
  it('labels OutOfScopeTransfer with its reason', () => {
    const alert = incidentAlert({ ...common, kind: 'out_of_scope', reason: 'country_not_in_scope' });
    expect(alert.labels).toEqual({
      alertname: 'OutOfScopeTransfer',
      severity: 'critical',
      processor_id: 'P1',
      certificate_id: 'CERT-1',
      reason: 'country_not_in_scope',
    });
    expect(alert.description).toContain('2 transfers (latest event evt-9)');
  });

  it('raises ImportantDataTransfer (critical) and UnknownCategory (warning)', () => {
    expect(incidentAlert({ ...common, kind: 'important_data' }).labels).toMatchObject({ alertname: 'ImportantDataTransfer', severity: 'critical' });
    const unknown = incidentAlert({ ...common, certificateId: null, kind: 'unknown_category', codes: ['x_code'] });
    expect(unknown.labels).toEqual({ alertname: 'UnknownCategory', severity: 'warning', processor_id: 'P1' });
    expect(unknown.description).toContain('x_code');
  });

  it('raises CiiOperatorWithoutAssessment (critical) with the processor and certificate', () => {
    const alert = incidentAlert({ ...common, kind: 'cii_operator' });
    expect(alert.labels).toEqual({ alertname: 'CiiOperatorWithoutAssessment', severity: 'critical', processor_id: 'P1', certificate_id: 'CERT-1' });
    expect(alert.description).toContain('PIPL Art. 40');
  });
});
