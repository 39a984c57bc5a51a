import { describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import type { AlertingRig } from '../harness/alerting-rig.js';
import { alertingRigForSuite } from '../harness/alerting-suite.js';
import { seedPeople as seed } from '../harness/seed-people.js';
import type { Store } from '@pi-egress/store';

/** Distinct people per scope, first seen on 1 March. */
const seedPeople = (store: Store, scope: { level: 'processor' | 'group'; id: string }, from: number, count: number) =>
  seed(store, scope, from, count, { distinctPerScope: true, firstSeen: '2026-03-01 00:00:00' });

const about = (rig: AlertingRig, label: 'processor_id' | 'group_id', id: string) => async () =>
  (await rig.evaluator.evaluateNow()).firing
    .filter((a) => a.labels[label] === id && ['PathwayThresholdApproaching', 'PathwayCeilingReached'].includes(a.alertname))
    .map((a) => a.labels);

describe('early warnings at the security-assessment thresholds (1,000,000 non-sensitive)', () => {
  const rig = alertingRigForSuite({ now: new Date('2026-06-02T00:00:00Z') });

  it('warns a processor at 800,000 across certification and standard-contract transfers, and reaches the ceiling at 1,000,000', async () => {
    await rig.declare(makeCertificate({ certificateId: 'CERT-PT', processorId: 'PT', limits: { nonSensitive: 999_999, sensitive: 100 } }));
    const firing = about(rig, 'processor_id', 'PT');
    await seedPeople(rig.store, { level: 'processor', id: 'PT' }, 0, 799_000);
    await rig.ingest([
      makeEvent({ processorId: 'PT', certificateId: 'CERT-PT', subjects: subjects(500, 'cert') }),
      makeEvent({ processorId: 'PT', mechanism: 'standard_contract', subjects: subjects(499, 'scc') }),
    ]);
    expect(await firing()).toEqual([]); // 799,999
    await rig.ingest([makeEvent({ processorId: 'PT', mechanism: 'standard_contract', subjects: subjects(1, 'scc', 499) })]);
    expect(await firing()).toEqual([
      { alertname: 'PathwayThresholdApproaching', severity: 'warning', processor_id: 'PT', class: 'non_sensitive', level: '0.8', year: '2026' },
    ]);
    await seedPeople(rig.store, { level: 'processor', id: 'PT' }, 799_000, 200_000); // 1,000,000
    const labels = await firing();
    expect(labels.filter((l) => l.alertname === 'PathwayThresholdApproaching').map((l) => l.level)).toEqual(['0.8', '0.9', '0.95']);
    expect(labels).toContainEqual({
      alertname: 'PathwayCeilingReached',
      severity: 'critical',
      processor_id: 'PT',
      certificate_id: 'CERT-PT',
      class: 'non_sensitive',
      year: '2026',
    });
    await rig.webhook.waitFor((a) => a.labels.alertname === 'PathwayThresholdApproaching' && a.labels.processor_id === 'PT', 10_000);
  });

  it('does the same for a group of two processors, each far below', async () => {
    for (const processorId of ['GA', 'GB'])
      await rig.store.scopes.putProcessor({ processorId, groupId: 'G9', countExempt: false, ciiOperator: false });
    const firing = about(rig, 'group_id', 'G9');
    await seedPeople(rig.store, { level: 'group', id: 'G9' }, 0, 799_998);
    await rig.ingest([
      makeEvent({ processorId: 'GA', mechanism: 'standard_contract', subjects: subjects(1, 'ga') }),
      makeEvent({ processorId: 'GB', mechanism: 'standard_contract', subjects: subjects(1, 'gb') }),
    ]);
    expect(await firing()).toEqual([
      { alertname: 'PathwayThresholdApproaching', severity: 'warning', group_id: 'G9', class: 'non_sensitive', level: '0.8', year: '2026' },
    ]);
    await seedPeople(rig.store, { level: 'group', id: 'G9' }, 799_998, 200_000); // 1,000,000
    const labels = await firing();
    expect(labels.filter((l) => l.alertname === 'PathwayThresholdApproaching').map((l) => l.level)).toEqual(['0.8', '0.9', '0.95']);
    expect(labels).toContainEqual({ alertname: 'PathwayCeilingReached', severity: 'critical', group_id: 'G9', class: 'non_sensitive', year: '2026' });
  });
});
