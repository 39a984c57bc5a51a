import { checkAdmission } from '@pi-egress/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { alertingRigForSuite } from '../harness/alerting-suite.js';

/** A proposed transfer: no eventId, no occurredAt (now). */
const proposal = (overrides: Record<string, unknown>) => {
  const { eventId: _eventId, occurredAt: _occurredAt, ...rest } = makeEvent(overrides);
  return rest;
};

describe('important data and CII operators under every mechanism (PIPL Art. 40, 2024 Provisions Art. 7)', () => {
  const rig = alertingRigForSuite({ now: new Date('2026-06-02T00:00:00Z') });
  const labelsOf = async (alertname: string) =>
    (await rig.evaluator.evaluateNow()).firing.filter((a) => a.alertname === alertname).map((a) => a.labels);
  const admit = async (overrides: Record<string, unknown>) => {
    const outcome = await checkAdmission(rig.ctx, proposal(overrides));
    if (!outcome.ok) throw new Error(outcome.reason);
    return { allowed: outcome.result.allowed, reasons: outcome.result.reasons };
  };

  beforeAll(async () => {
    await rig.declare(makeCertificate({ certificateId: 'CERT-K', processorId: 'PK' }));
    await rig.store.scopes.putProcessor({ processorId: 'PK', countExempt: false, ciiOperator: true });
  });

  it('fires ImportantDataTransfer for a standard-contract event with important data, and admission refuses it', async () => {
    const event = { processorId: 'PI1', mechanism: 'standard_contract', importantData: true, occurredAt: '2026-06-01T08:00:00Z' } as const;
    expect(await admit(event)).toEqual({ allowed: false, reasons: ['important_data'] });
    await rig.ingest([makeEvent({ ...event, subjects: subjects(2, 'imp') })]);
    expect(await labelsOf('ImportantDataTransfer')).toEqual([
      { alertname: 'ImportantDataTransfer', severity: 'critical', processor_id: 'PI1', year: '2026' },
    ]);
  });

  it('leaves important data under a security assessment alone', async () => {
    const event = { processorId: 'PI2', mechanism: 'security_assessment', importantData: true } as const;
    expect(await admit(event)).toEqual({ allowed: true, reasons: [] });
    await rig.ingest([makeEvent({ ...event, occurredAt: '2026-06-01T08:00:00Z' })]);
    expect((await labelsOf('ImportantDataTransfer')).map((l) => l.processor_id)).toEqual(['PI1']);
  });

  it("fires CiiOperatorWithoutAssessment for a CII operator's certification event, and admission refuses it", async () => {
    const event = { processorId: 'PK', certificateId: 'CERT-K' };
    expect(await admit(event)).toEqual({ allowed: false, reasons: ['cii_operator'] });
    expect(await admit({ processorId: 'PK', mechanism: 'standard_contract' })).toEqual({ allowed: false, reasons: ['cii_operator'] });
    expect(await admit({ processorId: 'PK', mechanism: 'security_assessment' })).toEqual({ allowed: true, reasons: [] });
    await rig.ingest([makeEvent({ ...event, occurredAt: '2026-06-01T08:00:00Z', subjects: subjects(1, 'cii') })]);
    expect(await labelsOf('CiiOperatorWithoutAssessment')).toEqual([
      { alertname: 'CiiOperatorWithoutAssessment', severity: 'critical', processor_id: 'PK', certificate_id: 'CERT-K', year: '2026' },
    ]);
    const delivered = await rig.webhook.waitFor((a) => a.labels.alertname === 'CiiOperatorWithoutAssessment', 10_000);
    expect(delivered.annotations.runbook_url).toMatch(/CiiOperatorWithoutAssessment\.md$/);
  });
});
