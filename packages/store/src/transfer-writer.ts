import type { ClickHouseClient } from '@clickhouse/client';
import { countingScopes, judgeAgainst, type PreparedTransfer, type ScopeKey } from '@pi-egress/domain';
import { Readable } from 'node:stream';
import pRetry from 'p-retry';
import { isDataRefused } from './store-errors.js';
import { selectRows } from './client.js';
import { collectSubjectRows, rowBinaryChunks, SUBJECT_INSERT } from './subject-rows.js';
import type { ScopeRegistry } from './scope-registry.js';
import { toClickHouseTime } from './scope.js';

export interface WriteResult {
  accepted: PreparedTransfer[];
  /** Already stored before, or repeated inside this batch: not written again. */
  duplicates: PreparedTransfer[];
  /** Subject rows (person × class × level) handed to the store. */
  subjectRows: number;
}

type WriteListener = (result: WriteResult, touched: ScopeKey[]) => void;

const ID_CHUNK = 20_000;

/**
 * Writes prepared transfers: subject rows first, then the transfer rows, so a transfer that is
 * stored always has its subjects stored; a retry after a failure in between writes the same
 * subjects again, which cannot change a distinct count. Writes are serialised per process so that
 * duplicate detection by eventId sees every earlier batch.
 */
export class TransferWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: WriteListener[] = [];

  constructor(
    private readonly client: ClickHouseClient,
    private readonly scopes: ScopeRegistry,
  ) {}

  /**
   * Runs `task` between writes: no batch of this process is being written meanwhile (declaring a
   * certificate or rebuilding a group moves rows that a batch in flight would otherwise miss).
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The scope keys of a transfer as they stand at write time, when no declaration can run
   * (see exclusive): a certificate declared since the transfer was prepared counts it at once; the
   * processor's group is its group now, and its people go under that group's current epoch.
   */
  private async scopesAtWrite(transfers: readonly PreparedTransfer[]): Promise<Map<PreparedTransfer, ScopeKey[]>> {
    const groupIds = new Map<string, string>();
    const resolved = new Map<PreparedTransfer, ScopeKey[]>();
    for (const transfer of transfers) {
      // Membership as it stands now: a processor that left its group since is not counted there.
      let current = { ...transfer, groupId: (await this.scopes.processor(transfer.processorId)).groupId ?? null };
      if (transfer.certificateOwnership === 'pending' && transfer.certificateId !== null) {
        const { ownership } = judgeAgainst(
          { ...transfer, instrumentId: transfer.certificateId },
          await this.scopes.certificateVersions(transfer.certificateId),
        );
        current = { ...current, certificateOwnership: ownership };
      }
      const keys = countingScopes(current);
      for (const key of keys) {
        if (key.level !== 'group') continue;
        let scopeId = groupIds.get(key.scopeId);
        if (scopeId === undefined) groupIds.set(key.scopeId, (scopeId = await this.scopes.groupScopeId(key.scopeId)));
        key.scopeId = scopeId;
      }
      resolved.set(transfer, keys);
    }
    return resolved;
  }

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
    // Every row is built before anything is written, so nothing about the data can fail in between.
    const ingestedAt = toClickHouseTime(new Date());
    const transferRows = fresh.map((transfer) => transferRow(transfer, ingestedAt));
    const scopes = await this.scopesAtWrite(fresh);
    const subjects = collectSubjectRows(fresh, (transfer) => scopes.get(transfer)!);
    if (subjects.size > 0) {
      const { stream } = await this.client.exec({ query: SUBJECT_INSERT, values: Readable.from(rowBinaryChunks(subjects)) });
      // The (empty) response must be read, or its keep-alive socket never returns to the pool.
      for await (const _ of stream);
    }
    if (transferRows.length > 0) {
      // The people are stored; a transient failure now would leave them without their transfer
      // until the client retries, so retry here first (the insert is idempotent by eventId).
      await pRetry(() => this.client.insert({ table: 'transfers', values: transferRows, format: 'JSONEachRow' }), {
        retries: 3,
        minTimeout: 100,
        shouldRetry: ({ error }) => !isDataRefused(error),
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
    scope_version: transfer.scopeVersion ?? '',
    pending: transfer.certificateOwnership === 'pending',
    judged_at: ingestedAt,
    mechanism: transfer.mechanism,
    channel: transfer.channel,
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
