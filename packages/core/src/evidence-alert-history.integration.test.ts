// The evidence pack's alert history is capped; a capped history says so in the pack (never silently short).
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import type { StoredAlert } from '@pi-egress/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, openTestStore } from '@pi-egress/testing';
import { declareCertificate } from './declarations.js';
import { buildEvidenceBody } from './evidence-pack.js';

const CERT = 'CERT-AH';
const alert = (level: string, startsAt: Date): StoredAlert => ({
  fingerprint: `fp-${level}`,
  labels: { alertname: 'ScopeUtilization', severity: 'warning', processor_id: 'P-AH', certificate_id: CERT, class: 'nonSensitive', level },
  annotations: {},
  startsAt,
});

describe('the alert history of an evidence pack under its row cap', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  const asOf = new Date('2026-12-01T00:00:00Z');

  beforeAll(async () => {
    store = await openTestStore();
    const validated = validateCertificate(makeCertificate({ certificateId: CERT, processorId: 'P-AH' }));
    if (!validated.ok) throw new Error(validated.errors.join('; '));
    const declared = await declareCertificate(
      { store, catalogue: new CategoryCatalogue(), subjectKey: 'k', now: () => new Date('2026-01-02T00:00:00Z') },
      validated.certificate,
    );
    if (!declared.ok) throw new Error(declared.errors.join('; '));
    // Three transitions in 2026: 0.8 fires, 0.9 fires, 0.9 resolves.
    const [march, april, may] = ['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z'].map((at) => new Date(at)) as [
      Date,
      Date,
      Date,
    ];
    await store.alerts.record({ at: march, fired: [alert('0.8', march)], changed: [], resolved: [] });
    await store.alerts.record({ at: april, fired: [alert('0.9', april)], changed: [], resolved: [] });
    await store.alerts.record({ at: may, fired: [], changed: [], resolved: [alert('0.9', april)] });
  });
  afterAll(() => store?.close());

  it('lists the oldest transitions up to the cap and states the truncation with the total', async () => {
    const body = (await buildEvidenceBody(store, CERT, 2026, asOf, { alertHistoryLimit: 2 }))!;
    expect(body.alertHistory.map((a) => [a.status, a.labels.level])).toEqual([
      ['firing', '0.8'],
      ['firing', '0.9'],
    ]);
    expect(body.alertHistoryTruncated).toBe(true);
    expect(body.alertHistoryTotal).toBe(3);
  });

  it('adds nothing when the whole history fits, even exactly', async () => {
    for (const alertHistoryLimit of [3, 4]) {
      const body = (await buildEvidenceBody(store, CERT, 2026, asOf, { alertHistoryLimit }))!;
      expect(body.alertHistory).toHaveLength(3);
      expect(body).not.toHaveProperty('alertHistoryTruncated');
      expect(body).not.toHaveProperty('alertHistoryTotal');
    }
  });
});
