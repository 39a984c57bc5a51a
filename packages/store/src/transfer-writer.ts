import type { ClickHouseClient } from '@clickhouse/client';
import type { PreparedTransfer } from '@pi-egress/domain';
import { Readable } from 'node:stream';
import { selectRows } from './client.js';
import { collectSubjectRows, rowBinaryChunks, SUBJECT_INSERT } from './subject-rows.js';
import { toClickHouseTime, type ScopeKey } from './scope.js';

export interface WriteResult {
  accepted: PreparedTransfer[];
  /** Already stored before, or repeated inside this batch: not written again. */
  duplicates: PreparedTransfer[];
  /** Subject rows (person × class × level) handed to the store. */
  subjectRows: number;
}

type WriteListener = (result: WriteResult, touched: ScopeKey[]) => void;

const ID_CHUNK = 20_000;

/** The scopes a counted transfer counts toward: its processor, its certificate, its group. */
export function countingScopes(transfer: PreparedTransfer): ScopeKey[] {
  if (!transfer.counted) return [];
  const year = transfer.year;
  const scopes: ScopeKey[] = [{ level: 'processor', scopeId: transfer.processorId, year }];
  if (transfer.mechanism === 'certification' && transfer.certificateId) {
    scopes.push({ level: 'certificate', scopeId: transfer.certificateId, year });
  }
  if (transfer.groupId) scopes.push({ level: 'group', scopeId: transfer.groupId, year });
  return scopes;
}

/**
 * Writes prepared transfers: subject rows first, then the transfer rows, so a transfer that is
 * stored always has its subjects stored; a retry after a failure in between writes the same
 * subjects again, which cannot change a distinct count. Writes are serialised per process so that
 * duplicate detection by eventId sees every earlier batch.
 */
export class TransferWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: WriteListener[] = [];

  constructor(private readonly client: ClickHouseClient) {}

  onWritten(listener: WriteListener): void {
    this.listeners.push(listener);
  }

  write(transfers: readonly PreparedTransfer[]): Promise<WriteResult> {
    const run = this.queue.then(() => this.writeNow(transfers));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(transfers: readonly PreparedTransfer[]): Promise<WriteResult> {
    const { fresh, duplicates } = await this.splitDuplicates(transfers);
    const subjects = collectSubjectRows(fresh, countingScopes);
    if (subjects.size > 0) {
      const { stream } = await this.client.exec({ query: SUBJECT_INSERT, values: Readable.from(rowBinaryChunks(subjects)) });
      // The (empty) response must be read, or its keep-alive socket never returns to the pool.
      for await (const _ of stream);
    }
    if (fresh.length > 0) {
      const ingestedAt = toClickHouseTime(new Date());
      await this.client.insert({
        table: 'transfers',
        values: fresh.map((transfer) => transferRow(transfer, ingestedAt)),
        format: 'JSONEachRow',
      });
    }
    const result: WriteResult = { accepted: fresh, duplicates, subjectRows: subjects.size };
    for (const listener of this.listeners) listener(result, subjects.touched);
    return result;
  }

  private async splitDuplicates(transfers: readonly PreparedTransfer[]) {
    const firstById = new Map<string, PreparedTransfer>();
    const duplicates: PreparedTransfer[] = [];
    for (const transfer of transfers) {
      if (firstById.has(transfer.eventId)) duplicates.push(transfer);
      else firstById.set(transfer.eventId, transfer);
    }
    const ids = [...firstById.keys()];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const stored = await selectRows<{ event_id: string }>(
        this.client,
        'SELECT DISTINCT event_id FROM transfers WHERE event_id IN {ids:Array(String)}',
        { ids: ids.slice(start, start + ID_CHUNK) },
      );
      for (const { event_id } of stored) {
        const transfer = firstById.get(event_id);
        if (transfer) duplicates.push(transfer);
        firstById.delete(event_id);
      }
    }
    return { fresh: [...firstById.values()], duplicates };
  }
}

function transferRow(transfer: PreparedTransfer, ingestedAt: string) {
  let nonSensitive = 0;
  let sensitive = 0;
  for (const subject of transfer.subjects) {
    if (subject.classes.includes('nonSensitive')) nonSensitive += 1;
    if (subject.classes.includes('sensitive')) sensitive += 1;
  }
  return {
    event_id: transfer.eventId,
    occurred_at: toClickHouseTime(transfer.occurredAt),
    year: transfer.year,
    processor_id: transfer.processorId,
    certificate_id: transfer.certificateId ?? '',
    group_id: transfer.groupId ?? '',
    mechanism: transfer.mechanism,
    exemption_basis: transfer.exemptionBasis ?? '',
    system: transfer.system ?? '',
    recipient_id: transfer.recipientId,
    recipient_country: transfer.recipientCountry,
    purpose: transfer.purpose,
    categories: transfer.categories,
    important_data: transfer.importantData,
    counted: transfer.counted,
    domestic: transfer.domestic,
    classes: transfer.classes,
    subject_count: transfer.subjects.length,
    non_sensitive_subjects: nonSensitive,
    sensitive_subjects: sensitive,
    unknown_categories: transfer.unknownCategories,
    out_of_scope_reasons: transfer.outOfScopeReasons,
    ingested_at: ingestedAt,
  };
}
