import type { EvidenceBody } from '@pi-egress/core';
import { signDocument } from '@pi-egress/domain';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderReportHtml, reportFigures } from './html.js';

const months = Array.from({ length: 12 }, (_, i) => ({
  month: `2026-${String(i + 1).padStart(2, '0')}`,
  nonSensitive: i === 0 ? 1200 : 0,
  sensitive: i === 2 ? 3 : 0,
}));
const body = {
  format: 'pi-egress-evidence/1',
  certificateId: 'CERT-H',
  processorId: 'P-H',
  groupId: null,
  year: 2026,
  asOf: '2026-05-01T00:00:00.000Z',
  definition: 'as of',
  asOfRule: 'rule',
  scope: {
    issuedBy: 'CB',
    validFrom: '2026-01-01',
    validTo: '2028-12-31',
    status: 'active',
    limits: { nonSensitive: 1500, sensitive: 5 },
    recipients: [{ id: 'R1', country: 'DE' }],
    declaredAt: null,
  },
  pathway: 'standard_contract_or_certification',
  processorCounts: { nonSensitive: 1200, sensitive: 3 },
  counts: { nonSensitive: { count: 1200, cap: 1500, utilization: 0.8 }, sensitive: { count: 3, cap: 5, utilization: 0.6 } },
  digest: { algorithm: 'SHA-256', lines: 'lines', nonSensitive: 'a'.repeat(64), sensitive: 'b'.repeat(64) },
  monthlyNewIndividuals: months,
  breakdowns: {
    recipient: [{ value: '<script>alert(1)</script>', country: 'DE', transfers: 2, subjectRecords: 1203, outOfScopeTransfers: 0 }],
    country: [],
    category: [],
    purpose: [],
    system: [],
  },
  incidents: [],
  alertHistory: [],
  auditLog: [],
  scopeVersions: [{ effectiveFrom: '2026-01-01T00:00:00.000Z', declaredAt: '2025-12-20T00:00:00.000Z', scope: { purposes: ['billing'] } }],
  incidentRecords: [
    {
      incidentId: 'I-1',
      alertname: 'OutOfScopeTransfer',
      status: 'acknowledged',
      acknowledgement: { at: '2026-04-02T00:00:00Z', role: 'admin', note: 'contract amended' },
    },
  ],
  // A section this report does not know (another engineer's addition): shown generically.
  retentionPolicy: [{ table: 'transfers', days: 1095 }],
} as unknown as EvidenceBody;
const { privateKey } = generateKeyPairSync('ed25519');
const pack = signDocument(body, privateKey);

describe('the HTML report of a pack', () => {
  it('states the key figures row by row as verify looks for them (count, cap, utilisation, headroom)', async () => {
    const text = (await renderReportHtml(pack, 'en')).replace(/<[^>]+>/g, '').replace(/\s+/g, '');
    // 1,200 of 1,500 = 80.0 %, 300 left; 3 of 5 = 60.0 %, 2 left.
    expect(reportFigures(pack)).toEqual(expect.arrayContaining(['1,2001,50080.0%300', '3560.0%2']));
    for (const figure of reportFigures(pack)) expect(text).toContain(figure);
  });

  it('escapes values from the pack and renders sections it does not know', async () => {
    const html = await renderReportHtml(pack, 'en');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toMatch(/<h3>retentionPolicy<\/h3><table class="data"><thead><tr><th>table<\/th><th>days<\/th>/);
    expect(html).toContain('<h4>in force from 2026-01-01T00:00:00.000Z · declared 2025-12-20T00:00:00.000Z</h4>');
    // Acknowledgements of breaches, nested objects as their own columns.
    expect(html).toMatch(/<th>acknowledgement\.note<\/th>[\s\S]*<td>contract amended<\/td>/);
    expect((html.match(/<svg/g) ?? []).length).toBe(4); // two cumulative charts, monthly, one non-empty breakdown
  });

  it('says so above the alert history when the pack left transitions out, and not otherwise', async () => {
    const alert = {
      at: '2026-02-01T00:00:00.000Z',
      status: 'firing',
      alertname: 'ScopeUtilization',
      severity: 'warning',
      startsAt: '2026-02-01T00:00:00.000Z',
      labels: {},
      annotations: {},
    };
    const truncated = signDocument(
      { ...body, alertHistory: [alert, alert], alertHistoryTruncated: true, alertHistoryTotal: 120_000 } as EvidenceBody,
      privateKey,
    );
    expect(await renderReportHtml(truncated, 'en')).toContain('Truncated: the first 2 of 120,000 alert transitions are listed');
    expect(await renderReportHtml(truncated, 'zh')).toContain('仅列出 120,000 条告警状态变化中的前 2 条');
    expect(await renderReportHtml(pack, 'en')).not.toContain('Truncated');
  });

  it('writes the legal terms in Chinese: 以上, 不满, 敏感个人信息', async () => {
    const html = await renderReportHtml(pack, 'zh');
    for (const term of ['以上', '不满', '敏感个人信息', '个人信息出境标准合同或个人信息保护认证']) expect(html).toContain(term);
    expect(html).toContain('<html lang="zh-CN">');
  });
});
