import { verifyEvidencePack, type EvidencePack } from '@pi-egress/core';
import { firstSeenDigest, pseudonymise } from '@pi-egress/domain';
import { runEvidenceCli } from '@pi-egress/evidence-cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, makeEvent, startTestApi, subjects, type TestApi } from '@pi-egress/testing';

const CERT = 'CERT-E';
const SUBJECT_KEY = 'api-test-subject-key';
const cert = { certificateId: CERT, processorId: 'P-E' };
const person = (i: number) => `ev-${i}@example.com`;
const ms = (iso: string) => Date.parse(iso);

/** The seeded year: who was first seen when, per class. */
const seenAt = (at: string, ...people: number[]): Array<readonly [number, string]> => people.map((i) => [i, at] as const);
const FIRST_SEEN = {
  nonSensitive: [
    ...seenAt('2026-01-15T02:00:00Z', 0, 1, 2, 3, 4),
    ...seenAt('2026-03-03T02:00:00Z', 5, 6),
    ...seenAt('2026-06-01T02:00:00Z', 7),
    ...seenAt('2026-06-02T02:00:00Z', 8),
  ],
  sensitive: [...seenAt('2026-03-03T02:00:00Z', 3, 4, 5, 6), ...seenAt('2026-06-02T02:00:00Z', 8)],
};
const expectedDigest = (c: keyof typeof FIRST_SEEN) =>
  firstSeenDigest(FIRST_SEEN[c].map(([i, at]) => ({ pseudonym: pseudonymise(person(i), SUBJECT_KEY), firstSeenMs: ms(at) })));

describe('evidence pack over real HTTP and the real engine', () => {
  let api: TestApi;
  let pack: EvidencePack;
  let packText: string;
  let dir: string;

  const evidence = (query = '') => api.call('auditor', 'GET', `/v1/certificates/${CERT}/evidence?year=2026${query}`);
  const verify = (text: string) => verifyEvidencePack(api.ctx.store, text, api.evidenceKey.publicKey);
  const command = async (sql: string, params: Record<string, unknown>) => {
    await api.ctx.store.client.command({ query: sql, query_params: params, clickhouse_settings: { mutations_sync: '2' } });
  };

  beforeAll(async () => {
    api = await startTestApi({ now: () => new Date('2027-01-05T00:00:00Z') });
    dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    const scope = makeCertificate({
      ...cert,
      groupId: 'G-E',
      limits: { nonSensitive: 100, sensitive: 10 },
      recipients: [
        { id: 'R1', country: 'DE' },
        { id: 'R2', country: 'SG' },
      ],
      purposes: ['customer_support', 'billing'],
      // Due validTo 2028-12-31 − 6 months = 2028-06-30: applied two days late.
      renewalAppliedAt: '2028-07-02',
    });
    expect((await api.call('admin', 'PUT', `/v1/certificates/${CERT}`, scope)).status).toBe(200);
    const events = [
      makeEvent({ ...cert, occurredAt: FIRST_SEEN.nonSensitive[0]![1], system: 'CRM', subjects: subjects(5, 'ev') }),
      makeEvent({
        ...cert,
        occurredAt: '2026-03-03T02:00:00Z',
        system: 'BILL',
        purpose: 'billing',
        recipient: { id: 'R2', country: 'SG' },
        categories: ['name', 'health'],
        subjects: subjects(4, 'ev', 3),
      }),
      makeEvent({
        ...cert,
        occurredAt: '2026-06-01T02:00:00Z',
        recipient: { id: 'R3', country: 'US' },
        categories: ['email'],
        subjects: subjects(1, 'ev', 7),
      }),
      makeEvent({ ...cert, occurredAt: '2026-06-02T02:00:00Z', categories: ['name', 'mystery'], subjects: subjects(1, 'ev', 8) }),
      makeEvent({ ...cert, occurredAt: '2026-12-31T16:00:00Z', subjects: subjects(1, 'ev', 9) }), // 2027 in China time
      makeEvent({ processorId: 'P-E', mechanism: 'standard_contract', subjects: subjects(3, 'pc') }),
    ];
    const ingest = (await (await api.call('ingest', 'POST', '/v1/events', events)).json()) as { accepted: number };
    expect(ingest.accepted).toBe(events.length);
    const labels = {
      alertname: 'OutOfScopeTransfer',
      severity: 'critical',
      processor_id: 'P-E',
      certificate_id: CERT,
      reason: 'recipient_not_in_scope',
    };
    await api.ctx.store.alerts.record({
      at: new Date(Date.now() - 1_000),
      fired: [{ fingerprint: 'oos', labels, annotations: {}, startsAt: new Date('2026-06-01T02:00:00Z') }],
      changed: [],
      resolved: [],
    });

    const response = await evidence();
    expect(response.status).toBe(200);
    packText = await response.text();
    pack = JSON.parse(packText) as EvidencePack;
  });
  afterAll(() => api.close());

  it('has the as-of counts, caps, pathway, digests and monthly new individuals of the seeded year', () => {
    expect(pack).toMatchObject({
      format: 'pi-egress-evidence/1',
      certificateId: CERT,
      processorId: 'P-E',
      groupId: 'G-E',
      year: 2026,
      pathway: 'standard_contract_or_certification',
      processorCounts: { nonSensitive: 12, sensitive: 5 },
      counts: { nonSensitive: { count: 9, cap: 100, utilization: 0.09 }, sensitive: { count: 5, cap: 10, utilization: 0.5 } },
      digest: { algorithm: 'SHA-256', nonSensitive: expectedDigest('nonSensitive'), sensitive: expectedDigest('sensitive') },
      scope: { limits: { nonSensitive: 100, sensitive: 10 }, declaredAt: expect.any(String) },
      renewal: { dueDate: '2028-06-30', appliedOn: '2028-07-02', late: true },
    });
    expect(pack.monthlyNewIndividuals.filter((m) => m.nonSensitive + m.sensitive > 0)).toEqual([
      { month: '2026-01', nonSensitive: 5, sensitive: 0 },
      { month: '2026-03', nonSensitive: 2, sensitive: 4 },
      { month: '2026-06', nonSensitive: 2, sensitive: 1 },
    ]);
    expect(pack.monthlyNewIndividuals).toHaveLength(12);
  });

  it('breaks transfers down by recipient, country, category, purpose and system, and lists every incident', () => {
    expect(pack.breakdowns.recipient.map((r) => [r.value, r.country, r.transfers, r.subjectRecords])).toEqual([
      ['R1', 'DE', 2, 6],
      ['R2', 'SG', 1, 4],
      ['R3', 'US', 1, 1],
    ]);
    // Per value, in the pack's order: transfers / subject records / out-of-scope transfers.
    const counts = (d: keyof EvidencePack['breakdowns']) =>
      pack.breakdowns[d].map((r) => `${r.value || '(none)'} ${r.transfers}/${r.subjectRecords}/${r.outOfScopeTransfers}`).join(', ');
    expect(counts('country')).toBe('DE 2/6/1, SG 1/4/0, US 1/1/1');
    expect(counts('category')).toBe('email 2/6/1, health 1/4/0, mystery 1/1/1, name 3/10/1');
    expect(counts('purpose')).toBe('billing 1/4/0, customer_support 3/7/2');
    expect(counts('system')).toBe('(none) 2/2/2, BILL 1/4/0, CRM 1/5/0');
    expect(pack.incidents.map((i) => [i.occurredAt, i.recipientId, i.reasons, i.unknownCategories])).toEqual([
      ['2026-06-01T02:00:00.000Z', 'R3', ['recipient_not_in_scope', 'country_not_in_scope'], []],
      ['2026-06-02T02:00:00.000Z', 'R1', ['category_not_in_scope'], ['mystery']],
    ]);
  });

  it('includes the alert history and the audit log of admin and auditor actions', () => {
    expect(pack.alertHistory).toMatchObject([{ status: 'firing', alertname: 'OutOfScopeTransfer', labels: { reason: 'recipient_not_in_scope' } }]);
    expect(pack.auditLog).toMatchObject([
      {
        role: 'admin',
        action: 'PUT /v1/certificates/:id',
        targetType: 'certificate',
        targetId: CERT,
        status: 200,
        tokenFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
  });

  it('is byte-identical when asked again for the same asOf, whatever was stored since', async () => {
    await api.call('ingest', 'POST', '/v1/events', [makeEvent({ ...cert, occurredAt: '2026-02-01T00:00:00Z', subjects: subjects(2, 'later') })]);
    const again = await evidence(`&asOf=${encodeURIComponent(pack.asOf)}`);
    expect(await again.text()).toBe(packText);
    const now = (await (await evidence()).json()) as EvidencePack;
    expect(now.counts.nonSensitive.count).toBe(11);
    expect(now.auditLog.map((e) => e.action)).toContain('GET /v1/certificates/:id/evidence');
    expect((await evidence('&asOf=2999-01-01T00:00:00Z')).status).toBe(400);
    expect((await api.call('auditor', 'GET', '/v1/certificates/NOPE/evidence?year=2026')).status).toBe(404);
  });

  it('verifies, and fails after any single byte of the pack is changed', async () => {
    expect(await verify(packText)).toEqual({ ok: true, problems: [], certificateId: CERT, year: 2026, asOf: pack.asOf });
    const bytes = Buffer.from(packText, 'utf8');
    for (let i = 0; i < bytes.length; i += 1) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i]! ^ 0x01;
      expect((await verify(changed.toString('utf8'))).ok, `byte ${i} changed`).toBe(false);
    }
  });

  it('fails after a stored first-seen row is changed, and verifies again once it is restored', async () => {
    const target = { scopeId: CERT, hash: pseudonymise(person(8), SUBJECT_KEY) };
    const where = "scope_level = 'certificate' AND scope_id = {scopeId:String} AND id_hash = unhex({hash:String})";
    await command(`ALTER TABLE subject_first_seen UPDATE first_seen = first_seen + toIntervalMillisecond(1) WHERE ${where}`, target);
    expect((await verify(packText)).problems).toEqual([
      expect.stringMatching(/^digest\.nonSensitive: differs/),
      expect.stringMatching(/^digest\.sensitive: differs/),
    ]);
    await command(`ALTER TABLE subject_first_seen UPDATE first_seen = first_seen - toIntervalMillisecond(1) WHERE ${where}`, target);
    expect((await verify(packText)).ok).toBe(true);

    // One byte of a stored pseudonym: the row is rewritten (a key column cannot be updated in place).
    const forged = `${target.hash.slice(0, 63)}${target.hash.endsWith('0') ? '1' : '0'}`;
    const copy = (from: string, to: string) =>
      command(
        `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen, inserted_at)
         SELECT scope_level, scope_id, year, class, unhex({to:String}), first_seen, inserted_at FROM subject_first_seen
         WHERE scope_level = 'certificate' AND scope_id = {scopeId:String} AND id_hash = unhex({from:String})`,
        { scopeId: CERT, from, to },
      ).then(() => command(`ALTER TABLE subject_first_seen DELETE WHERE ${where}`, { scopeId: CERT, hash: from }));
    await copy(target.hash, forged);
    expect((await verify(packText)).problems).toEqual([expect.stringMatching(/^digest\.nonSensitive/), expect.stringMatching(/^digest\.sensitive/)]);
    await copy(forged, target.hash);
    expect((await verify(packText)).ok).toBe(true);
  });

  it('verifies with the pi-egress-evidence command, exit 0 for a good pack and 1 for an edited one', async () => {
    const publicKey = join(dir, 'evidence.pub');
    writeFileSync(publicKey, api.evidenceKey.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'pack.json'), packText);
    writeFileSync(join(dir, 'edited.json'), packText.replace('"count":9', '"count":8'));
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      env: { CLICKHOUSE_DATABASE: (api.ctx.store as { database?: string }).database },
    };
    const run = (file: string) => runEvidenceCli(['verify', join(dir, file), '--public-key', publicKey, '--clickhouse-url', clickhouseUrl()], io);
    expect(await run('pack.json'), lines.join('\n')).toBe(0);
    expect(await run('edited.json')).toBe(1);
    expect(lines.join('\n')).toMatch(/signature: does not match/);
    expect(await runEvidenceCli(['verify', join(dir, 'pack.json')], io)).toBe(2);
  });

  it('renders a CSV that opens cleanly in a spreadsheet: BOM, CRLF, quoted fields, formulas defused', async () => {
    await api.call('ingest', 'POST', '/v1/events', [
      makeEvent({ ...cert, occurredAt: '2026-07-01T00:00:00Z', recipient: { id: '=HYPERLINK("x")', country: 'DE' } }),
    ]);
    const response = await evidence('&format=csv');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    for (const line of lines.filter(Boolean)) expect(line, line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    const sections = lines.filter((l) => l.startsWith('"section",')).map((l) => l.split(',')[1]);
    expect(sections).toEqual([
      '"pack"',
      '"counts"',
      '"scope"',
      '"monthlyNewIndividuals"',
      '"breakdowns"',
      '"incidents"',
      '"alertHistory"',
      '"auditLog"',
    ]);
    expect(text).toContain('"recipient","\'=HYPERLINK(""x"")","DE"');
    expect(text).toContain(`"digest.sensitive","`);
  });
});
