import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { seedPeople } from '../harness/seed-people.js';
import type { AlertingRig } from '../harness/alerting-rig.js';
import { alertingRigForSuite } from '../harness/alerting-suite.js';

const firingNames = async (rig: AlertingRig) => (await rig.evaluator.evaluateNow()).firing.map((a) => `${a.alertname}/${a.severity}`).sort();

describe('certificate renewal and expiry at China-time day boundaries', () => {
  const rig = alertingRigForSuite({ now: new Date('2027-05-30T15:59:59.999Z') });
  // validTo 2027-12-31: renewal due 2027-06-30 (validTo − 6 months), warned 30 days earlier.
  const certificate = makeCertificate({ certificateId: 'CERT-R', validFrom: '2025-01-01', validTo: '2027-12-31' });
  beforeAll(async () => {
    await rig.declare(certificate);
  });

  it('warns from 31 May 00:00 CST and turns critical on 1 July 00:00 CST', async () => {
    expect(await firingNames(rig)).toEqual([]);
    rig.clock.now = new Date('2027-05-30T16:00:00.000Z');
    expect(await firingNames(rig)).toEqual(['CertificateRenewalDue/warning']);
    rig.clock.now = new Date('2027-06-30T15:59:59.999Z');
    expect(await firingNames(rig)).toEqual(['CertificateRenewalDue/warning']);
    rig.clock.now = new Date('2027-06-30T16:00:00.000Z');
    expect(await firingNames(rig)).toEqual(['CertificateRenewalDue/critical']);
    const critical = await rig.webhook.waitFor((a) => a.labels.alertname === 'CertificateRenewalDue' && a.labels.severity === 'critical', 10_000);
    expect(critical.labels).toEqual({ alertname: 'CertificateRenewalDue', severity: 'critical', processor_id: 'P1', certificate_id: 'CERT-R' });
    await rig.webhook.waitFor((a) => a.labels.severity === 'warning' && a.status === 'resolved', 10_000);
  });

  it('stops once a renewal application is recorded', async () => {
    await rig.declare({ ...certificate, renewalAppliedAt: '2027-07-01' });
    expect(await firingNames(rig)).toEqual([]);
  });

  it('expires on 1 January 00:00 CST after validTo, not before', async () => {
    rig.clock.now = new Date('2027-12-31T15:59:59.999Z');
    expect(await firingNames(rig)).toEqual([]);
    rig.clock.now = new Date('2027-12-31T16:00:00.000Z');
    expect(await firingNames(rig)).toEqual(['CertificateExpired/critical']);
    const expired = await rig.webhook.waitFor((a) => a.labels.alertname === 'CertificateExpired', 10_000);
    expect(expired.labels).toEqual({ alertname: 'CertificateExpired', severity: 'critical', processor_id: 'P1', certificate_id: 'CERT-R' });
  });
});

describe('pathway ceiling and splitting risk', () => {
  const rig = alertingRigForSuite({ now: new Date('2026-06-02T00:00:00Z') });

  it('raises SplittingRisk when two members of 5,000 sensitive individuals each reach 10,000 together', async () => {
    for (const [processorId, start] of [
      ['PA', 0],
      ['PB', 5_000],
    ] as const) {
      await rig.declare(
        makeCertificate({ certificateId: `CERT-${processorId}`, processorId, groupId: 'G1', limits: { nonSensitive: 900_000, sensitive: 9_999 } }),
      );
      await rig.ingest([
        makeEvent({ processorId, certificateId: `CERT-${processorId}`, categories: ['health'], subjects: subjects(5_000, 'patient', start) }),
      ]);
    }
    const alert = await rig.webhook.waitFor((a) => a.labels.alertname === 'SplittingRisk', 15_000);
    expect(alert.labels).toEqual({ alertname: 'SplittingRisk', severity: 'critical', group_id: 'G1', class: 'sensitive', year: '2026' });
    expect(alert.annotations.description).toContain('PA, PB');
  });

  it('raises SplittingRisk when members under 1,000,000 reach it together, and PathwayCeilingReached for one that does alone', async () => {
    for (const processorId of ['PC', 'PD'])
      await rig.store.scopes.putProcessor({ processorId, groupId: 'G2', countExempt: false, ciiOperator: false });
    await seedPeople(rig.store, { level: 'group', id: 'G2', dataClass: 'nonSensitive' }, 0, 1_000_000);
    await seedPeople(rig.store, { level: 'processor', id: 'PC', dataClass: 'nonSensitive' }, 0, 600_000);
    await seedPeople(rig.store, { level: 'processor', id: 'PD', dataClass: 'nonSensitive' }, 600_000, 400_000);
    await seedPeople(rig.store, { level: 'processor', id: 'PE', dataClass: 'sensitive' }, 0, 10_000);
    const result = await rig.evaluator.evaluateNow();
    const labels = result.firing.map((a) => a.labels);
    expect(labels).toContainEqual({ alertname: 'SplittingRisk', severity: 'critical', group_id: 'G2', class: 'non_sensitive', year: '2026' });
    expect(labels).toContainEqual({ alertname: 'PathwayCeilingReached', severity: 'critical', processor_id: 'PE', class: 'sensitive', year: '2026' });
    expect(labels.filter((l) => l.alertname === 'PathwayCeilingReached' && l.processor_id !== undefined)).toHaveLength(1);
    await rig.webhook.waitFor((a) => a.labels.alertname === 'SplittingRisk' && a.labels.group_id === 'G2', 10_000);
  });
});
