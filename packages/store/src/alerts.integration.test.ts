import { CategoryCatalogue, parseEvent, prepareTransfer } from '@pi-egress/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, type EventOverrides, makeEvent, openTestStore, ownVersions } from '@pi-egress/testing';
import { openStore, type Store } from './store.js';
import type { StoredAlert } from './alerts.js';

const now = new Date('2026-11-22T00:00:00Z');

function alert(level: string, startsAt = now): StoredAlert {
  const labels = { alertname: 'ScopeUtilization', severity: 'warning', processor_id: 'P1', certificate_id: 'CERT-1', class: 'sensitive', level };
  return {
    fingerprint: `fp-${level}`,
    labels,
    annotations: { summary: `at ${level}`, runbook_url: 'http://runbooks/ScopeUtilization.md' },
    startsAt,
  };
}

function prepare(overrides: EventOverrides) {
  const parsed = parseEvent(makeEvent(overrides), now);
  if (!parsed.ok) throw new Error(parsed.reason);
  return prepareTransfer(parsed.event, { key: 'k', catalogue: new CategoryCatalogue(), versions: ownVersions(parsed.event) });
}

describe('alert store', () => {
  let store: Store & { database: string };
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps firing alerts across a reopen and records every transition', async () => {
    const t0 = new Date('2026-11-22T01:00:00.000Z');
    await store.alerts.record({ at: t0, fired: [alert('0.8', t0), alert('0.9', t0)], changed: [], resolved: [] });
    const changed = { ...alert('0.8', t0), annotations: { summary: 'new text' } };
    await store.alerts.record({ at: new Date('2026-11-22T01:01:00Z'), fired: [], changed: [changed], resolved: [alert('0.9', t0)] });

    const reopened = await openStore({ url: clickhouseUrl(), database: store.database, settleMs: 0 });
    try {
      expect(await reopened.alerts.active()).toEqual([{ ...changed, startsAt: t0 }]);
      expect(await reopened.alerts.firing()).toEqual([
        {
          alertname: 'ScopeUtilization',
          severity: 'warning',
          labels: changed.labels,
          annotations: { summary: 'new text' },
          startsAt: t0.toISOString(),
        },
      ]);
      const history = await reopened.alerts.history({ certificateId: 'CERT-1' });
      expect(history.map((h) => [h.status, h.labels.level, h.at])).toEqual([
        ['firing', '0.8', '2026-11-22T01:00:00.000Z'],
        ['firing', '0.9', '2026-11-22T01:00:00.000Z'],
        ['resolved', '0.9', '2026-11-22T01:01:00.000Z'],
      ]);
      expect(await reopened.alerts.history({ certificateId: 'OTHER' })).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('summarises recent incidents from the transfers table', async () => {
    await store.writer.write([
      prepare({ eventId: 'oos-1', recipient: { id: 'R1', country: 'US' } }),
      prepare({ eventId: 'oos-2', recipient: { id: 'R1', country: 'US' } }),
      prepare({ eventId: 'imp-1', importantData: true }),
      prepare({ eventId: 'unk-1', categories: ['name', 'mystery_code'] }),
    ]);
    const incidents = await store.alerts.inputs.incidents(new Date(Date.now() - 60_000));
    const find = (kind: string, reason?: string) =>
      incidents.find((i) => i.kind === kind && (reason === undefined || ('reason' in i && i.reason === reason)));
    expect(find('out_of_scope', 'country_not_in_scope')).toMatchObject({ year: 2026, processorId: 'P1', certificateId: 'CERT-1', events: 2 });
    expect(find('out_of_scope', 'category_not_in_scope')).toMatchObject({ events: 1, lastEventId: 'unk-1' });
    expect(find('important_data')).toMatchObject({ events: 1, lastEventId: 'imp-1' });
    expect(find('unknown_category')).toMatchObject({ events: 1, codes: ['mystery_code'] });
    expect(await store.alerts.inputs.incidents(new Date(Date.now() + 3_600_000))).toEqual([]);
    expect(await store.alerts.inputs.countedScopes(2026)).toEqual({ processors: ['P1'], groups: [] });
  });
});
