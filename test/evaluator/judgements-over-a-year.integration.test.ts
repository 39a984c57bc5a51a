import { describe, expect, it } from 'vitest';
import { evaluatedApiForSuite, makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { seedPeople } from '../harness/seed-people.js';

/**
 * Judgements that hold over a whole year (issue "judgements over a year"), over real HTTP, the real
 * engine and the evaluator: ownership, groups from processors, late years, scope versions, pending
 * certificates, incidents. Expected values follow from SPEC §2 and the Measures, not from the code.
 */

interface Alert {
  alertname: string;
  labels: Record<string, string>;
}

describe('judgements over a year', () => {
  const clock = { now: new Date('2026-07-01T00:00:00Z') };
  const rig = evaluatedApiForSuite(() => clock.now);

  const ok = async (response: Promise<Response>) => {
    const r = await response;
    const body = (await r.json()) as Record<string, unknown>;
    expect(r.status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const declare = (certificate: Record<string, unknown>) =>
    ok(rig.api.call('admin', 'PUT', `/v1/certificates/${String(certificate.certificateId)}`, certificate));
  const setProcessor = (processorId: string, settings: Record<string, unknown>) =>
    ok(rig.api.call('admin', 'PUT', `/v1/processors/${processorId}`, settings));
  const send = async (events: Array<Record<string, unknown>>) => {
    const answer = await ok(rig.api.call('ingest', 'POST', '/v1/events', events));
    expect(answer.rejected).toEqual([]);
  };
  const usage = async (path: string, year = 2026) =>
    (await ok(rig.api.call('viewer', 'GET', `${path}?year=${year}`))) as {
      nonSensitive: { count: number };
      sensitive: { count: number };
      members?: Array<{ processorId: string }>;
    };
  const firing = async (): Promise<Alert[]> => {
    const result = await rig.evaluator.evaluateNow();
    return result.firing.map((a) => ({ alertname: a.alertname, labels: a.labels }));
  };
  const evidence = async (certificateId: string) =>
    (await ok(rig.api.call('auditor', 'GET', `/v1/certificates/${certificateId}/evidence?year=2026`))) as {
      counts: { nonSensitive: { count: number } };
      incidents: Array<{ eventId: string; reasons: string[]; scopeVersion: string }>;
      scopeVersions: Array<{ effectiveFrom: string }>;
      incidentRecords: Array<{ incidentId: string; status: string; acknowledgement?: { role: string; note: string } }>;
      breakdowns: { recipient: Array<{ transfers: number }> };
    };

  it("never counts another processor's transfer against a certificate, and calls it out of scope", async () => {
    await declare(makeCertificate({ certificateId: 'C1', processorId: 'P1' }));
    await send([makeEvent({ eventId: 'p2-cites-c1', processorId: 'P2', certificateId: 'C1', subjects: subjects(100, 'own') })]);
    expect((await usage('/v1/certificates/C1/usage')).nonSensitive.count).toBe(0);
    expect((await usage('/v1/processors/P2/usage')).nonSensitive.count).toBe(100);
    expect(await firing()).toContainEqual(
      expect.objectContaining({
        alertname: 'OutOfScopeTransfer',
        labels: expect.objectContaining({ processor_id: 'P2', certificate_id: 'C1', reason: 'certificate_of_other_processor' }),
      }),
    );
    const pack = await evidence('C1');
    expect(pack.counts.nonSensitive.count).toBe(0);
    expect(pack.incidents.map((i) => i.eventId)).not.toContain('p2-cites-c1');
    expect(pack.breakdowns.recipient).toEqual([]);
  });

  it('takes group membership from the processor: a certificate of a processor without a group puts it in, and no splitting is flagged for one member alone', async () => {
    await setProcessor('GP1', { countExempt: false, ciiOperator: false });
    await declare(makeCertificate({ certificateId: 'GC1', processorId: 'GP1', groupId: 'G', limits: { nonSensitive: 500_000, sensitive: 9_999 } }));
    await setProcessor('GP2', { groupId: 'G' });
    await send([
      makeEvent({ processorId: 'GP1', certificateId: 'GC1', categories: ['health'], subjects: subjects(10_000, 'g-patient') }),
      makeEvent({ processorId: 'GP2', mechanism: 'standard_contract', categories: ['health'], subjects: subjects(1, 'g-other') }),
    ]);
    const group = await usage('/v1/groups/G/usage');
    expect(group.members!.map((m) => m.processorId)).toEqual(['GP1', 'GP2']);
    expect(group.sensitive.count).toBe(10_001);
    const alerts = await firing();
    expect(alerts).toContainEqual(
      expect.objectContaining({
        alertname: 'PathwayCeilingReached',
        labels: expect.objectContaining({ processor_id: 'GP1', class: 'sensitive', year: '2026' }),
      }),
    );
    expect(alerts.filter((a) => a.alertname === 'SplittingRisk' && a.labels.group_id === 'G')).toEqual([]);
    // A certificate's group must be its processor's.
    const mismatch = await rig.api.call(
      'admin',
      'PUT',
      '/v1/certificates/GC9',
      makeCertificate({ certificateId: 'GC9', processorId: 'GP2', groupId: 'OTHER' }),
    );
    expect(mismatch.status).toBe(400);
  });

  it('counts a group as its current members, whenever they joined, and follows a member leaving', async () => {
    await send([
      makeEvent({ processorId: 'P3', mechanism: 'standard_contract', subjects: subjects(50_000, 'p3') }),
      makeEvent({ processorId: 'P3', mechanism: 'standard_contract', subjects: subjects(10_000, 'p3', 50_000) }),
    ]);
    await setProcessor('P3', { groupId: 'G2' });
    await setProcessor('P4', { groupId: 'G2' });
    await send([makeEvent({ processorId: 'P4', mechanism: 'standard_contract', subjects: subjects(40_000, 'p4') })]);
    // Scaled down 10× from the 600,000 + 400,000 to keep the suite fast; the ceiling check is then a unit test's.
    expect((await usage('/v1/groups/G2/usage')).nonSensitive.count).toBe(100_000);
    await setProcessor('P3', {});
    const after = await usage('/v1/groups/G2/usage');
    expect(after.nonSensitive.count).toBe(40_000);
    expect(after.members!.map((m) => m.processorId)).toEqual(['P4']);
    await setProcessor('P3', { groupId: 'G2' });
    expect((await usage('/v1/groups/G2/usage')).nonSensitive.count).toBe(100_000);
  });

  it("flags splitting at the issue's own figures: 600,000 + 400,000 others reach 1,000,000 once both are members, and stop when one leaves", async () => {
    await seedPeople(rig.api.ctx.store, { level: 'processor', id: 'P5', dataClass: 'nonSensitive' }, 0, 600_000);
    await seedPeople(rig.api.ctx.store, { level: 'processor', id: 'P6', dataClass: 'nonSensitive' }, 600_000, 400_000);
    const splitting = async () => (await firing()).filter((a) => a.alertname === 'SplittingRisk' && a.labels.group_id === 'G5');
    expect(await splitting()).toEqual([]);
    await setProcessor('P5', { groupId: 'G5' });
    await setProcessor('P6', { groupId: 'G5' });
    expect((await usage('/v1/groups/G5/usage')).nonSensitive.count).toBe(1_000_000);
    expect((await splitting()).map((a) => a.labels)).toEqual([
      { alertname: 'SplittingRisk', severity: 'critical', group_id: 'G5', class: 'non_sensitive', year: '2026' },
    ]);
    await setProcessor('P5', {});
    expect((await usage('/v1/groups/G5/usage')).nonSensitive.count).toBe(400_000);
    expect(await splitting()).toEqual([]);
  });

  it('judges a late event of last year in its own year: a cap breached in 2026 alerts in 2027, and the incident stays until acknowledged', async () => {
    await declare(makeCertificate({ certificateId: 'CY', processorId: 'PY', limits: { nonSensitive: 500_000, sensitive: 3 } }));
    await send([
      makeEvent({
        processorId: 'PY',
        certificateId: 'CY',
        occurredAt: '2026-06-01T00:00:00Z',
        categories: ['health'],
        subjects: subjects(3, 'y-patient'),
      }),
    ]);
    await firing();
    clock.now = new Date('2027-01-02T00:00:00+08:00');
    expect((await firing()).filter((a) => a.labels.certificate_id === 'CY' && a.alertname === 'ScopeCapExceeded')).toEqual([]);
    await send([
      makeEvent({
        processorId: 'PY',
        certificateId: 'CY',
        occurredAt: '2026-12-31T23:00:00+08:00',
        categories: ['health'],
        subjects: subjects(1, 'y-late'),
      }),
    ]);
    const breach = (await firing()).find((a) => a.alertname === 'ScopeCapExceeded' && a.labels.certificate_id === 'CY');
    expect(breach?.labels).toMatchObject({ year: '2026', class: 'sensitive' });

    const open = (await ok(rig.api.call('viewer', 'GET', '/v1/incidents?year=2026&status=open'))) as {
      incidents: Array<{ incidentId: string; alertname: string; labels: Record<string, string> }>;
    };
    const incident = open.incidents.find((i) => i.alertname === 'ScopeCapExceeded' && i.labels.certificate_id === 'CY');
    expect(incident).toBeDefined();
    // The breach is on record across the turn of the year until a person acknowledges it.
    clock.now = new Date('2027-03-01T00:00:00Z');
    await firing();
    expect(
      ((await ok(rig.api.call('viewer', 'GET', '/v1/incidents?status=open'))) as { incidents: Array<{ incidentId: string }> }).incidents.map(
        (i) => i.incidentId,
      ),
    ).toContain(incident!.incidentId);
    const denied = await rig.api.call('viewer', 'POST', `/v1/incidents/${incident!.incidentId}/acknowledge`, { note: 'x' });
    expect(denied.status).toBe(403);
    const acknowledged = await ok(
      rig.api.call('admin', 'POST', `/v1/incidents/${incident!.incidentId}/acknowledge`, { note: 'cap raised with the body; filing updated' }),
    );
    expect(acknowledged).toMatchObject({
      status: 'acknowledged',
      acknowledgement: { role: 'admin', note: 'cap raised with the body; filing updated' },
    });
    const pack = await evidence('CY');
    expect(pack.incidentRecords.find((r) => r.incidentId === incident!.incidentId)).toMatchObject({
      status: 'acknowledged',
      acknowledgement: { role: 'admin' },
    });
    const audit = await rig.api.ctx.store.audit.entries(
      [{ targetType: 'incident', targetId: incident!.incidentId }],
      new Date(0),
      new Date(Date.now() + 60_000),
    );
    expect(audit.map((e) => e.action)).toContain('POST /v1/incidents/:id/acknowledge');
    clock.now = new Date('2026-07-01T00:00:00Z');
  });

  it('judges each event against the scope version in force when it occurred, and re-judges when a version is back-dated', async () => {
    await declare(makeCertificate({ certificateId: 'CV', processorId: 'PV' }));
    clock.now = new Date('2026-06-20T00:00:00Z');
    await declare(makeCertificate({ certificateId: 'CV', processorId: 'PV', status: 'suspended', effectiveFrom: '2026-06-10T00:00:00+08:00' }));
    await send([
      makeEvent({ eventId: 'cv-0605', processorId: 'PV', certificateId: 'CV', occurredAt: '2026-06-05T12:00:00+08:00' }),
      makeEvent({ eventId: 'cv-0611', processorId: 'PV', certificateId: 'CV', occurredAt: '2026-06-11T12:00:00+08:00' }),
      makeEvent({
        eventId: 'cv-0401-r2',
        processorId: 'PV',
        certificateId: 'CV',
        occurredAt: '2026-04-01T12:00:00+08:00',
        recipient: { id: 'R2', country: 'DE' },
      }),
      makeEvent({
        eventId: 'cv-0201-r2',
        processorId: 'PV',
        certificateId: 'CV',
        occurredAt: '2026-02-01T12:00:00+08:00',
        recipient: { id: 'R2', country: 'DE' },
      }),
    ]);
    const reasonsOf = async () => Object.fromEntries((await evidence('CV')).incidents.map((i) => [i.eventId, i.reasons]));
    expect(await reasonsOf()).toEqual({
      'cv-0201-r2': ['recipient_not_in_scope'],
      'cv-0401-r2': ['recipient_not_in_scope'],
      'cv-0611': ['certificate_not_active'],
    });
    // A version widening the recipients, back-dated to 1 March: it governs 1 March – 10 June.
    await declare(
      makeCertificate({
        certificateId: 'CV',
        processorId: 'PV',
        recipients: [
          { id: 'R1', country: 'DE' },
          { id: 'R2', country: 'DE' },
        ],
        effectiveFrom: '2026-03-01T00:00:00+08:00',
      }),
    );
    const pack = await evidence('CV');
    expect(Object.fromEntries(pack.incidents.map((i) => [i.eventId, i.reasons]))).toEqual({
      'cv-0201-r2': ['recipient_not_in_scope'],
      'cv-0611': ['certificate_not_active'],
    });
    expect(pack.scopeVersions.map((v) => v.effectiveFrom).sort()).toEqual([
      '1970-01-01T00:00:00.000Z',
      '2026-02-28T16:00:00.000Z',
      '2026-06-09T16:00:00.000Z',
    ]);
    expect(pack.incidents.find((i) => i.eventId === 'cv-0611')?.scopeVersion).toBe('2026-06-09T16:00:00.000Z');
    const versions = (await ok(rig.api.call('viewer', 'GET', '/v1/certificates/CV/versions'))) as { versions: unknown[] };
    expect(versions.versions).toHaveLength(3);
    clock.now = new Date('2026-07-01T00:00:00Z');
  });

  it('holds events citing a certificate not yet declared as pending, and judges and counts them once it is', async () => {
    await send([
      makeEvent({ eventId: 'c9-in', processorId: 'P9', certificateId: 'C9', subjects: subjects(7, 'c9') }),
      makeEvent({ eventId: 'c9-out', processorId: 'P9', certificateId: 'C9', purpose: 'marketing', subjects: subjects(2, 'c9-m') }),
      makeEvent({ eventId: 'c9-foreign', processorId: 'P10', certificateId: 'C9', subjects: subjects(5, 'c9-f') }),
    ]);
    expect((await firing()).filter((a) => a.labels.certificate_id === 'C9')).toEqual([]);
    await declare(makeCertificate({ certificateId: 'C9', processorId: 'P9' }));
    expect((await usage('/v1/certificates/C9/usage')).nonSensitive.count).toBe(9);
    const reasons = Object.fromEntries((await evidence('C9')).incidents.map((i) => [i.eventId, i.reasons]));
    expect(reasons).toEqual({ 'c9-out': ['purpose_not_in_scope'] });
    const alerts = (await firing()).filter((a) => a.labels.certificate_id === 'C9' && a.alertname === 'OutOfScopeTransfer');
    expect(alerts.map((a) => a.labels.reason).sort()).toEqual(['certificate_of_other_processor', 'purpose_not_in_scope']);
  });
});
