import { describe, expect, it } from 'vitest';
import { evaluatedApiForSuite, makeCertificate, makeEvent, subjects } from '@pi-egress/testing';
import { seedPeople } from '../harness/seed-people.js';

/**
 * Every pathway, one monitor (issue "every pathway"): standard-contract filings and
 * security-assessment approvals beside certificates, NoValidInstrument, remote access. Over real
 * HTTP, the real engine and the evaluator. Expected values follow from PIPL Art. 38, the SCC
 * Measures and SPEC §2–§6, not from the code: 100,000 non-sensitive people 以上 need a pathway
 * (SPEC §2 table), and a transfer to SG under a contract declaring only DE is out of its scope.
 */

interface Alert {
  alertname: string;
  labels: Record<string, string>;
}

const scc = (overrides: Record<string, unknown> = {}) => {
  const { certificateId: _id, issuedBy: _issuer, limits: _limits, validTo: _validTo, ...scope } = makeCertificate({ processorId: 'PS' });
  return { kind: 'standard_contract', instrumentId: 'SCC-1', ...scope, filedAt: '2026-01-05', ...overrides };
};

describe('every pathway', () => {
  const clock = { now: new Date('2026-07-01T00:00:00Z') };
  const rig = evaluatedApiForSuite(() => clock.now);

  const answer = async (response: Promise<Response>, status = 200) => {
    const r = await response;
    const body = (await r.json()) as Record<string, any>;
    expect(r.status, JSON.stringify(body)).toBe(status);
    return body;
  };
  const declare = (instrument: Record<string, unknown>, status = 200) =>
    answer(rig.api.call('admin', 'PUT', `/v1/instruments/${String(instrument.instrumentId)}`, instrument), status);
  const send = async (events: Array<Record<string, unknown>>) => {
    const result = await answer(rig.api.call('ingest', 'POST', '/v1/events', events));
    expect(result.rejected).toEqual([]);
  };
  const firing = async (): Promise<Alert[]> => (await rig.evaluator.evaluateNow()).firing.map((a) => ({ alertname: a.alertname, labels: a.labels }));
  const ofProcessor = (alerts: Alert[], processorId: string, alertname: string) =>
    alerts.filter((a) => a.alertname === alertname && a.labels.processor_id === processorId);

  it('judges a transfer to SG under a standard contract declaring DE out of its scope; usage and evidence work as for a certificate', async () => {
    const declared = await declare(scc({ recipients: [{ id: 'R1', country: 'DE' }] }));
    expect(declared).toMatchObject({ kind: 'standard_contract', instrumentId: 'SCC-1', processorId: 'PS', status: 'active' });
    expect(declared).not.toHaveProperty('certificateId');

    await send([
      makeEvent({ processorId: 'PS', mechanism: 'standard_contract', instrumentId: 'SCC-1', subjects: subjects(3, 'scc-de') }),
      makeEvent({
        processorId: 'PS',
        mechanism: 'standard_contract',
        instrumentId: 'SCC-1',
        recipient: { id: 'R1', country: 'SG' },
        subjects: subjects(2, 'scc-sg'),
      }),
    ]);
    const outOfScope = ofProcessor(await firing(), 'PS', 'OutOfScopeTransfer');
    expect(outOfScope.map((a) => a.labels)).toEqual([
      expect.objectContaining({ instrument_id: 'SCC-1', instrument_kind: 'standard_contract', reason: 'country_not_in_scope', year: '2026' }),
    ]);
    expect(outOfScope[0]!.labels).not.toHaveProperty('certificate_id');

    // No caps declared: a standard contract is judged against the ceilings (999,999 / 9,999).
    const usage = await answer(rig.api.call('viewer', 'GET', '/v1/instruments/SCC-1/usage?year=2026'));
    expect(usage.nonSensitive).toMatchObject({ count: 5, cap: 999_999 });
    expect(usage.sensitive).toMatchObject({ count: 0, cap: 9_999 });

    const pack = await answer(rig.api.call('auditor', 'GET', '/v1/instruments/SCC-1/evidence?year=2026&asOf=latest'));
    expect(pack.scope.kind).toBe('standard_contract');
    expect(pack.counts.nonSensitive).toMatchObject({ count: 5, cap: 999_999 });
    expect(pack.breakdowns.country).toEqual([
      { value: 'DE', transfers: 1, subjectRecords: 3, outOfScopeTransfers: 0 },
      { value: 'SG', transfers: 1, subjectRecords: 2, outOfScopeTransfers: 1 },
    ]);
    expect(pack.signature.algorithm).toBe('Ed25519');

    // Certificates stay what they were: an SCC is no certificate.
    await answer(rig.api.call('viewer', 'GET', '/v1/certificates/SCC-1'), 404);
    const certificates = await answer(rig.api.call('viewer', 'GET', '/v1/certificates'));
    expect(certificates.certificates.map((c: { certificateId: string }) => c.certificateId)).not.toContain('SCC-1');
    const listed = await answer(rig.api.call('viewer', 'GET', '/v1/instruments?kind=standard_contract&processorId=PS'));
    expect(listed.instruments.map((i: { instrumentId: string }) => i.instrumentId)).toEqual(['SCC-1']);
  });

  it('refuses at admission a transfer naming an instrument that is not a valid one of its mechanism', async () => {
    const proposal = (overrides: Record<string, unknown>) => ({
      ...makeEvent({ processorId: 'PS', subjects: subjects(1, 'admit'), ...overrides }),
      eventId: undefined,
    });
    const admit = async (overrides: Record<string, unknown>) => {
      const result = await answer(rig.api.call('ingest', 'POST', '/v1/admission', proposal(overrides)));
      return { allowed: result.allowed, reasons: result.reasons };
    };
    expect(await admit({ mechanism: 'standard_contract', instrumentId: 'SCC-1' })).toEqual({ allowed: true, reasons: [] });
    expect(await admit({ mechanism: 'standard_contract', instrumentId: 'SCC-NONE' })).toEqual({ allowed: false, reasons: ['no_valid_instrument'] });
    expect(await admit({ mechanism: 'security_assessment', instrumentId: 'SCC-1' })).toEqual({ allowed: false, reasons: ['no_valid_instrument'] });
  });

  it('keeps an id to its kind', async () => {
    const { filedAt: _filed, ...scope } = scc();
    const refused = await declare({ ...scope, kind: 'security_assessment', issuedBy: 'CAC', validTo: '2028-12-31' }, 400);
    expect(refused.details).toEqual([expect.stringContaining('kind: must stay standard_contract')]);
  });

  it('fires NoValidInstrument for a processor past 100,000 non-sensitive people with no instrument, and resolves it once an active contract covers its transfers', async () => {
    await seedPeople(rig.api.ctx.store, { level: 'processor', id: 'PN' }, 0, 99_999);
    await send([makeEvent({ processorId: 'PN', mechanism: 'standard_contract', instrumentId: 'SCC-N', subjects: subjects(1, 'pn-first') })]);
    // 100,000 people: the contract-or-certification band (以上 includes the number).
    let alerts = ofProcessor(await firing(), 'PN', 'NoValidInstrument');
    expect(alerts.map((a) => a.labels)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pathway: 'standard_contract_or_certification', year: '2026', severity: 'critical' }),
        expect.objectContaining({ instrument_id: 'SCC-N', instrument_kind: 'standard_contract', reason: 'not_declared' }),
      ]),
    );
    expect(alerts).toHaveLength(2);

    await declare(scc({ instrumentId: 'SCC-N', processorId: 'PN' }));
    alerts = ofProcessor(await firing(), 'PN', 'NoValidInstrument');
    expect(alerts).toEqual([]);
    // The people held while the contract was undeclared now count under it.
    const usage = await answer(rig.api.call('viewer', 'GET', '/v1/processors/PN/usage?year=2026'));
    expect(usage.nonSensitive.count).toBe(100_000);
    expect(usage.instruments).toEqual([
      expect.objectContaining({
        instrumentId: 'SCC-N',
        kind: 'standard_contract',
        status: 'active',
        transfers: 1,
        nonSensitive: expect.objectContaining({ count: 1 }),
      }),
    ]);
    expect(usage.transfers).toEqual([{ mechanism: 'standard_contract', instrumentId: 'SCC-N', channel: 'transfer', transfers: 1 }]);
  });

  it('fires NoValidInstrument for standard-contract transfers that cite no instrument', async () => {
    await send([makeEvent({ processorId: 'PX', mechanism: 'standard_contract', subjects: subjects(1, 'px') })]);
    const alerts = ofProcessor(await firing(), 'PX', 'NoValidInstrument');
    expect(alerts.map((a) => a.labels)).toEqual([expect.objectContaining({ instrument_kind: 'standard_contract', reason: 'none_cited' })]);
  });

  it('counts a person reached by remote access once with their transfers, and shows the channel apart', async () => {
    await declare(scc({ instrumentId: 'SCC-R', processorId: 'PR' }));
    const person = [{ id: 'remote-and-sent@example.com' }];
    await send([
      makeEvent({ processorId: 'PR', mechanism: 'standard_contract', instrumentId: 'SCC-R', subjects: person }),
      makeEvent({
        processorId: 'PR',
        mechanism: 'standard_contract',
        instrumentId: 'SCC-R',
        channel: 'remote_access',
        subjects: [...person, { id: 'only-remote@example.com' }],
      }),
    ]);
    const usage = await answer(rig.api.call('viewer', 'GET', '/v1/instruments/SCC-R/usage?year=2026'));
    expect(usage.nonSensitive.count).toBe(2);
    const processor = await answer(rig.api.call('viewer', 'GET', '/v1/processors/PR/usage?year=2026'));
    expect(processor.nonSensitive.count).toBe(2);
    const pack = await answer(rig.api.call('auditor', 'GET', '/v1/instruments/SCC-R/evidence?year=2026&asOf=latest'));
    expect(pack.breakdowns.channel).toEqual([
      { value: 'remote_access', transfers: 1, subjectRecords: 2, outOfScopeTransfers: 0 },
      { value: 'transfer', transfers: 1, subjectRecords: 1, outOfScopeTransfers: 0 },
    ]);
  });

  it('opens AssessmentExtensionDue on the first of the 60 working days before an approval valid to 2026-12-18, and FilingDue for an unfiled contract', async () => {
    const { certificateId: _id, limits: _limits, ...scope } = makeCertificate({ processorId: 'PA' });
    await declare({ ...scope, kind: 'security_assessment', instrumentId: 'SA-1', issuedBy: 'CAC', validFrom: '2023-12-19', validTo: '2026-12-18' });
    await declare(scc({ instrumentId: 'SCC-F', processorId: 'PF', filedAt: undefined, effectiveFrom: '2026-09-29T16:00:00Z' }));
    const deadlines = async (at: string) => {
      clock.now = new Date(at);
      return (await firing())
        .filter((a) => a.alertname === 'AssessmentExtensionDue' || a.alertname === 'FilingDue')
        .map((a) => `${a.alertname} ${a.labels.instrument_id} ${a.labels.severity}`)
        .sort();
    };
    try {
      // China dates (UTC+8): 2026-09-19 is the day before the window; 2026-09-20, a make-up working Sunday, opens it
      // (the hand count is in instrument-deadlines.unit.test.ts). The contract took effect on 2026-09-30: filing due
      // by 2026-10-20, the 10th working day after it across the National Day week.
      expect(await deadlines('2026-09-19T12:00:00Z')).toEqual([]);
      expect(await deadlines('2026-09-20T12:00:00Z')).toEqual(['AssessmentExtensionDue SA-1 warning']);
      expect(await deadlines('2026-10-20T12:00:00Z')).toEqual(['AssessmentExtensionDue SA-1 warning', 'FilingDue SCC-F warning']);
      expect(await deadlines('2026-10-21T12:00:00Z')).toEqual(['AssessmentExtensionDue SA-1 warning', 'FilingDue SCC-F critical']);
      expect(await deadlines('2026-12-04T12:00:00Z')).toEqual(['AssessmentExtensionDue SA-1 critical', 'FilingDue SCC-F critical']);
    } finally {
      clock.now = new Date('2026-07-01T00:00:00Z');
    }
  });
});
