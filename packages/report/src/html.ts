import type { EvidencePack } from '@pi-egress/core';
import { DATA_CLASSES, type DataClass } from '@pi-egress/domain';
import { breakdownSpec, cumulativeSpec, monthlySpec, renderSvg } from './charts.js';
import { LABELS, type ReportLabels, type ReportLang } from './labels.js';

/**
 * The compliance report as one self-contained HTML page (inline CSS and SVG, no script, no
 * network), rendered from the signed evidence pack alone. Sections the report does not know are
 * rendered generically, so a pack with more fields still shows all of them.
 */

const KNOWN_FIELDS = new Set([
  'format',
  'certificateId',
  'processorId',
  'groupId',
  'year',
  'asOf',
  'definition',
  'asOfRule',
  'scope',
  'pathway',
  'processorCounts',
  'counts',
  'digest',
  'monthlyNewIndividuals',
  'breakdowns',
  'incidents',
  'alertHistory',
  'auditLog',
  'signature',
  'scopeVersions',
  'incidentRecords',
  'alertHistoryTruncated',
  'alertHistoryTotal',
]);
const DEFAULT_LEVELS = [0.8, 0.9, 0.95];

/** The report page runs no script and loads nothing: inline styles and inline SVG only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** 12345 → "12,345" in both languages (the figures auditors compare). */
export const formatCount = (n: number) => n.toLocaleString('en-US');
const formatPercent = (ratio: number | null) => (ratio === null ? '—' : `${(ratio * 100).toFixed(1)} %`);
const chinaTime = (iso: string) => `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')} (UTC+8)`;

/** Any JSON value as text for a table cell. */
function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return formatCount(value);
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object' || v === null) ? value.map(String).join(', ') : JSON.stringify(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function table(columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, className = 'data'): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(cellText(v))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One level of nested objects as their own columns: {acknowledgement: {at}} → {'acknowledgement.at'}. */
const flatten = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).flatMap(([k, v]) => (isRecord(v) ? Object.entries(v).map(([sub, w]) => [`${k}.${sub}`, w]) : [[k, v]])));

/** Rows of objects as a table whose columns are the union of their keys, in first-seen order. */
function objectsTable(rows: readonly unknown[], none: string): string {
  const records = rows.filter(isRecord).map(flatten);
  if (records.length === 0) return `<p class="none">${escapeHtml(none)}</p>`;
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return table(
    columns,
    records.map((r) => columns.map((c) => r[c])),
  );
}

const isNested = (v: unknown) => typeof v === 'object' && v !== null && (!Array.isArray(v) || v.some((e) => typeof e === 'object' && e !== null));

/** Any value: arrays of objects as tables, objects as field/value tables, the rest as text. */
function anyValue(value: unknown, none: string): string {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) return objectsTable(value, none);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return `<p class="none">${escapeHtml(none)}</p>`;
    return `<table class="fields"><tbody>${entries
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${isNested(v) ? anyValue(v, none) : escapeHtml(cellText(v))}</td></tr>`)
      .join('\n')}</tbody></table>`;
  }
  return `<p>${escapeHtml(cellText(value))}</p>`;
}

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;

function levelsOf(pack: EvidencePack): readonly number[] {
  const levels = (pack.scope as { alerting?: { levels?: unknown } }).alerting?.levels;
  return Array.isArray(levels) && levels.every((l) => typeof l === 'number') ? levels : DEFAULT_LEVELS;
}

function summary(pack: EvidencePack, t: ReportLabels): string {
  const levels = levelsOf(pack);
  const rows = DATA_CLASSES.map((c) => {
    const { count, cap } = pack.counts[c];
    const reached = levels.filter((l) => cap !== null && count >= l * cap).map((l) => `${Math.round(l * 100)} %`);
    return [t.classes[c], ...classFigures(pack, c), reached.join(', ') || t.levelNotReached, formatCount(pack.processorCounts[c])];
  });
  const c = t.columns;
  return table([c.class, c.count, c.cap, c.utilization, c.headroom, c.levels, c.processorCount], rows, 'data key-figures');
}

function thresholds(pack: EvidencePack, t: ReportLabels): string {
  const rows = (['security_assessment', 'standard_contract_or_certification', 'exempt'] as const).map((p) => [
    `${t.pathways[p]}${p === pack.pathway ? ' ◀' : ''}`,
    t.thresholdRows[p],
  ]);
  return (
    `<p class="pathway">${escapeHtml(t.pathwayRequired)}: <strong>${escapeHtml(t.pathways[pack.pathway])}</strong> <code>${escapeHtml(pack.pathway)}</code></p>` +
    `<table class="fields thresholds"><tbody>${rows.map(([p, when]) => `<tr><th>${escapeHtml(p!)}</th><td>${escapeHtml(when!)}</td></tr>`).join('')}</tbody></table>` +
    `<p class="note">${escapeHtml(t.thresholdNote)}</p>`
  );
}

async function charts(pack: EvidencePack, t: ReportLabels): Promise<{ cumulative: string; monthly: string; breakdowns: string }> {
  const levels = levelsOf(pack);
  // The line ends at the as-of month (China time): later months have not happened yet.
  const lastMonth = new Date(Date.parse(pack.asOf) + 8 * 3_600_000).toISOString().slice(0, 7);
  const cumulative = await Promise.all(
    DATA_CLASSES.map((c: DataClass) => renderSvg(cumulativeSpec(pack.monthlyNewIndividuals, c, pack.counts[c].cap, levels, t, lastMonth))),
  );
  const monthly = await renderSvg(monthlySpec(pack.monthlyNewIndividuals, t));
  const dimensions = Object.entries(pack.breakdowns as Record<string, Array<{ value: string; subjectRecords: number }>>);
  const breakdownCharts = await Promise.all(
    dimensions.filter(([, rows]) => rows.length > 0).map(([d, rows]) => renderSvg(breakdownSpec(rows, t.dimensions[d] ?? d, t))),
  );
  const monthTable = table(
    [t.columns.month, t.classes.nonSensitive, t.classes.sensitive],
    pack.monthlyNewIndividuals.map((m) => [m.month, m.nonSensitive, m.sensitive]),
    'data months',
  );
  const breakdownTables = dimensions.map(([d, rows]) => `<h3>${escapeHtml(t.dimensions[d] ?? d)}</h3>${objectsTable(rows, t.none)}`).join('\n');
  return {
    cumulative: `<div class="charts">${cumulative.map((svg, i) => `<figure><figcaption>${escapeHtml(t.classes[DATA_CLASSES[i]!])}</figcaption>${svg}</figure>`).join('')}</div>`,
    monthly: `<figure>${monthly}</figure>${monthTable}`,
    breakdowns: `<div class="charts">${breakdownCharts.map((svg) => `<figure>${svg}</figure>`).join('')}</div>${breakdownTables}`,
  };
}

function verification(pack: EvidencePack, t: ReportLabels): string {
  const s = pack.signature;
  const hex = (text: string) => `<span class="hex">${escapeHtml(text)}</span>`;
  const rows = [
    ...DATA_CLASSES.map((c) => `<tr><th>${escapeHtml(`${t.verify.digest} · ${t.classes[c]}`)}</th><td>${hex(pack.digest[c])}</td></tr>`),
    `<tr><th>${escapeHtml(t.verify.lines)}</th><td>${escapeHtml(pack.digest.lines)}</td></tr>`,
    `<tr><th>${escapeHtml(t.verify.signature)}</th><td>${escapeHtml(s.algorithm)}</td></tr>`,
    `<tr><th>${escapeHtml(t.verify.keyId)}</th><td>${hex(s.keyId)}</td></tr>`,
    `<tr><th>${escapeHtml(t.verify.publicKey)}</th><td>${hex(s.publicKey)}</td></tr>`,
    `<tr><th>${escapeHtml(t.verify.value)}</th><td>${hex(s.value)}</td></tr>`,
  ];
  return `<p>${escapeHtml(t.verify.intro)}</p><table class="fields seal"><tbody>${rows.join('\n')}</tbody></table>
<p><code>${escapeHtml(t.verify.how)}</code></p><p>${escapeHtml(t.verify.pdf)}</p>`;
}

/** Each declared scope version (when the pack lists them): when it took effect, when declared, its fields. */
function scopeVersions(versions: unknown, t: ReportLabels): string {
  if (!Array.isArray(versions)) return versions === undefined ? '' : anyValue(versions, t.none);
  const items = versions.filter(isRecord).map((v) => {
    const heading = `${t.parts.effectiveFrom} ${cellText(v.effectiveFrom)} · ${t.parts.declaredAt} ${cellText(v.declaredAt)}`;
    return `<h4>${escapeHtml(heading)}</h4>${anyValue(v.scope ?? v, t.none)}`;
  });
  return `<h3>${escapeHtml(t.parts.scopeVersions)}</h3>${items.join('\n') || `<p class="none">${escapeHtml(t.none)}</p>`}`;
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; font-size: 10pt; color: #222; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin: 7mm 0 2mm; } h3 { font-size: 11pt; margin: 4mm 0 1mm; } h4 { font-size: 10pt; margin: 3mm 0 1mm; }
.subtitle { color: #555; margin: 0 0 4mm; }
table { border-collapse: collapse; margin: 2mm 0; width: 100%; }
th, td { border: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
thead th { background: #eef2f6; }
table.fields th { width: 34%; background: #f6f6f6; font-weight: normal; }
table.key-figures td:first-child { width: 24%; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
.hex, code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 8.5pt; word-break: break-all; }
.charts { display: flex; flex-wrap: wrap; gap: 4mm; } figure { margin: 0; break-inside: avoid; } figcaption { font-weight: bold; text-align: center; }
section { break-inside: auto; } tr { break-inside: avoid; }
.note, .none { color: #555; }
`;

/** Says so, above the table, when the pack's alert history is not complete. */
function alertHistoryNote(pack: EvidencePack, t: ReportLabels): string {
  if (!pack.alertHistoryTruncated) return '';
  const note = t.parts.alertHistoryTruncated(formatCount(pack.alertHistory.length), formatCount(pack.alertHistoryTotal ?? pack.alertHistory.length));
  return `<p class="note truncated">${escapeHtml(note)}</p>`;
}

/** The report page of one signed evidence pack. */
export async function renderReportHtml(pack: EvidencePack, lang: ReportLang): Promise<string> {
  const t = LABELS[lang];
  const rendered = await charts(pack, t);
  const fields = pack as unknown as Record<string, unknown>;
  const further = Object.keys(fields)
    .filter((key) => !KNOWN_FIELDS.has(key))
    .map((key) => `<h3>${escapeHtml(key)}</h3>${anyValue(fields[key], t.none)}`)
    .join('\n');
  const identity = [
    [t.certificate, pack.certificateId],
    [t.processor, pack.processorId],
    ...(pack.groupId ? [[t.group, pack.groupId]] : []),
    [t.year, String(pack.year)],
    [t.asOf, pack.asOf],
    [t.asOfChina, chinaTime(pack.asOf)],
  ];
  const asOfRule = typeof fields.asOfRule === 'string' ? fields.asOfRule : undefined;
  return `<!doctype html>
<html lang="${t.htmlLang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${escapeHtml(`${t.title} · ${pack.certificateId} · ${pack.year}`)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(t.title)}</h1>
<p class="subtitle">${escapeHtml(t.subtitle)}</p>
<table class="fields identity"><tbody>${identity.map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`).join('')}</tbody></table>
${section('summary', t.sections.summary, summary(pack, t))}
${section('thresholds', t.sections.thresholds, thresholds(pack, t))}
${section('cumulative', t.sections.cumulative, rendered.cumulative)}
${section('monthly', t.sections.monthly, rendered.monthly)}
${section('scope', t.sections.scope, anyValue(pack.scope, t.none) + scopeVersions(fields.scopeVersions, t))}
${section('breakdowns', t.sections.breakdowns, rendered.breakdowns)}
${section(
  'incidents',
  t.sections.incidents,
  `<h3>${escapeHtml(t.parts.incidentTransfers)}</h3>${anyValue(pack.incidents, t.none)}` +
    (fields.incidentRecords === undefined ? '' : `<h3>${escapeHtml(t.parts.incidentRecords)}</h3>${anyValue(fields.incidentRecords, t.none)}`),
)}
${section('alerts', t.sections.alerts, alertHistoryNote(pack, t) + objectsTable(pack.alertHistory, t.none))}
${section('audit', t.sections.audit, objectsTable(pack.auditLog, t.none))}
${further ? section('further', t.sections.further, further) : ''}
${section('verification', t.sections.verification, verification(pack, t))}
${section(
  'definitions',
  t.sections.definitions,
  `<h3>${escapeHtml(t.definitions.asOf)}</h3><p>${escapeHtml(pack.definition)}</p>` +
    (asOfRule ? `<h3>${escapeHtml(t.definitions.asOfRule)}</h3><p>${escapeHtml(asOfRule)}</p>` : '') +
    `<p>${escapeHtml(t.definitions.person)}</p><p>${escapeHtml(t.definitions.sensitive)}</p><p>${escapeHtml(t.definitions.counting)}</p>`,
)}
</body></html>
`;
}

/** The figures of one class as the key-figures row states them, in order: count, cap, utilisation, headroom. */
function classFigures(pack: EvidencePack, c: DataClass): string[] {
  const { count, cap, utilization } = pack.counts[c];
  return cap === null
    ? [formatCount(count), '—', '—', '—']
    : [formatCount(count), formatCount(cap), formatPercent(utilization), formatCount(Math.max(0, cap - count))];
}

/**
 * Figures a report's pages must state, exactly as the report writes them: identity, each class's
 * counts row (count, cap, utilisation, headroom in a row), the pathway, the digests and the
 * signature. `verify` looks for each in a PDF's text with all white space removed.
 */
export function reportFigures(pack: EvidencePack): string[] {
  return [
    pack.certificateId,
    pack.asOf,
    pack.pathway,
    ...DATA_CLASSES.flatMap((c) => [classFigures(pack, c).join(''), pack.digest[c]]),
    pack.signature.keyId,
    pack.signature.value,
  ].map((figure) => figure.replace(/\s+/g, ''));
}
