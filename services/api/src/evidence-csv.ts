import type { EvidencePack } from '@pi-egress/core';
import { stringify } from 'csv-stringify/sync';

type Cell = string | number | boolean | null;

function section(title: string, header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): Cell[][] {
  return [['section', title], [...header], ...rows.map((row) => [...row]), []];
}

const list = (values: readonly string[]) => values.join('; ');

/**
 * The evidence pack as one CSV file for a spreadsheet: UTF-8 with BOM, CRLF, every field quoted,
 * one block per section (a `section,<name>` row, a header row, the rows, an empty row). Cells that
 * a spreadsheet would run as a formula are prefixed with `'`. The signature covers the JSON pack;
 * verify that, this is its readable rendering.
 */
export function evidenceCsv(pack: EvidencePack): string {
  const { scope, signature } = pack;
  const records: Cell[][] = [
    ...section(
      'pack',
      ['field', 'value'],
      [
        ['format', pack.format],
        ['certificateId', pack.certificateId],
        ['processorId', pack.processorId],
        ['groupId', pack.groupId],
        ['year', pack.year],
        ['asOf', pack.asOf],
        ['definition', pack.definition],
        ['asOfRule', pack.asOfRule],
        ['pathway', pack.pathway],
        ['domesticTransfers.transfers', pack.domesticTransfers.transfers],
        ['domesticTransfers.subjectRecords', pack.domesticTransfers.subjectRecords],
        ['digest.algorithm', pack.digest.algorithm],
        ['digest.lines', pack.digest.lines],
        ['digest.nonSensitive', pack.digest.nonSensitive],
        ['digest.sensitive', pack.digest.sensitive],
        ['signature.algorithm', signature.algorithm],
        ['signature.keyId', signature.keyId],
        ['signature.publicKey', signature.publicKey],
        ['signature.value', signature.value],
      ],
    ),
    ...section(
      'counts',
      ['class', 'count', 'cap', 'utilization', 'processorCount'],
      [
        [
          'nonSensitive',
          pack.counts.nonSensitive.count,
          pack.counts.nonSensitive.cap,
          pack.counts.nonSensitive.utilization,
          pack.processorCounts.nonSensitive,
        ],
        ['sensitive', pack.counts.sensitive.count, pack.counts.sensitive.cap, pack.counts.sensitive.utilization, pack.processorCounts.sensitive],
      ],
    ),
    ...section(
      'scope',
      ['field', 'value'],
      [
        ...(scope.kind ? [['kind', scope.kind] as [string, Cell]] : []),
        ['issuedBy', scope.issuedBy ?? null],
        ['validFrom', scope.validFrom],
        ['validTo', scope.validTo ?? null],
        ['status', scope.status],
        ['renewalAppliedAt', scope.renewalAppliedAt ?? null],
        ['renewalDueDate', pack.renewal?.dueDate ?? null],
        ['renewalLate', pack.renewal?.late ?? null],
        ['supersededBy', scope.supersededBy ?? null],
        ['limits.nonSensitive', scope.limits?.nonSensitive ?? null],
        ['limits.sensitive', scope.limits?.sensitive ?? null],
        ...(scope.filedAt ? [['filedAt', scope.filedAt] as [string, Cell]] : []),
        ['recipients', list(scope.recipients.map((r) => `${r.id} (${r.country})`))],
        ['categories', list(scope.categories)],
        ['purposes', list(scope.purposes)],
        ['declaredAt', scope.declaredAt],
        ['alertHistoryTruncated', pack.alertHistoryTruncated ?? false],
        ['alertHistoryTotal', pack.alertHistoryTotal ?? pack.alertHistory.length],
      ],
    ),
    ...section(
      'monthlyNewIndividuals',
      ['month', 'nonSensitive', 'sensitive'],
      pack.monthlyNewIndividuals.map((m) => [m.month, m.nonSensitive, m.sensitive]),
    ),
    ...section(
      'breakdowns',
      ['dimension', 'value', 'country', 'transfers', 'subjectRecords', 'outOfScopeTransfers'],
      Object.entries(pack.breakdowns).flatMap(([dimension, rows]) =>
        rows.map((row) => [dimension, row.value, row.country ?? null, row.transfers, row.subjectRecords, row.outOfScopeTransfers]),
      ),
    ),
    ...section(
      'incidents',
      [
        'eventId',
        'occurredAt',
        'recipientId',
        'country',
        'purpose',
        'system',
        'categories',
        'importantData',
        'subjects',
        'reasons',
        'unknownCategories',
      ],
      pack.incidents.map((i) => [
        i.eventId,
        i.occurredAt,
        i.recipientId,
        i.country,
        i.purpose,
        i.system,
        list(i.categories),
        i.importantData,
        i.subjects,
        list(i.reasons),
        list(i.unknownCategories),
      ]),
    ),
    ...section(
      'alertHistory',
      ['at', 'status', 'alertname', 'severity', 'startsAt', 'labels'],
      pack.alertHistory.map((a) => [a.at, a.status, a.alertname, a.severity, a.startsAt, JSON.stringify(a.labels)]),
    ),
    ...section(
      'auditLog',
      ['at', 'role', 'tokenFingerprint', 'action', 'targetType', 'targetId', 'status', 'remoteAddress', 'detail'],
      pack.auditLog.map((e) => [e.at, e.role, e.tokenFingerprint, e.action, e.targetType, e.targetId, e.status, e.remoteAddress, e.detail]),
    ),
  ];
  return stringify(records, { bom: true, quoted: true, quoted_empty: true, record_delimiter: 'windows', escape_formulas: true });
}
