import type { DataClass, PreparedTransfer } from '@pi-egress/domain';
import type { ScopeKey } from './scope.js';

/**
 * The subject rows of a batch, encoded for the hot insert path.
 *
 * Why RowBinary and not JSONEachRow: profiling the ingest showed the Node side spending most of its
 * time building and stringifying one object per row, and the engine parsing JSON and unhexing the
 * pseudonym. In RowBinary the 32-byte pseudonym goes as raw bytes, the scope prefix is encoded once
 * per scope and copied, and the engine reads fixed-width fields without parsing.
 */
export const SUBJECT_INSERT = `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen) FORMAT RowBinary`;

/** Enum8 codes of migration 0001. */
const LEVEL_CODE: Record<ScopeKey['level'], number> = { processor: 1, certificate: 2, group: 3 };
const CLASS_CODE = { nonSensitive: 1, sensitive: 2 } as const;

/**
 * One row per (scope, class, person) of a batch, with the earliest time the person was seen in it:
 * grouped by scope and class, each group keyed by the pseudonym string the transfer already holds
 * (no key string built per row: that, and an object per row, were the cost here).
 */
export interface SubjectRowSet {
  groups: Array<{ prefix: Buffer; firstSeenMs: Map<string, number> }>;
  size: number;
  touched: ScopeKey[];
}

/** RowBinary of (scope_level, scope_id, year, class): the same for every row of a group. */
function groupPrefix(scope: ScopeKey, dataClass: DataClass): Buffer {
  const id = Buffer.from(scope.scopeId, 'utf8');
  const length: number[] = [];
  for (let n = id.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([
    Buffer.from([LEVEL_CODE[scope.level], ...length]),
    id,
    Buffer.from([scope.year & 0xff, scope.year >> 8, CLASS_CODE[dataClass]]),
  ]);
}

export function collectSubjectRows(transfers: readonly PreparedTransfer[], scopesOf: (transfer: PreparedTransfer) => ScopeKey[]): SubjectRowSet {
  const groupIndex = new Map<string, number>();
  const touched = new Map<string, ScopeKey>();
  const set: SubjectRowSet = { groups: [], size: 0, touched: [] };
  const group = (scope: ScopeKey, dataClass: DataClass) => {
    const key = `${scope.level}\u0000${scope.scopeId}\u0000${scope.year}\u0000${dataClass}`;
    let index = groupIndex.get(key);
    if (index === undefined) {
      index = set.groups.push({ prefix: groupPrefix(scope, dataClass), firstSeenMs: new Map() }) - 1;
      groupIndex.set(key, index);
    }
    return set.groups[index]!.firstSeenMs;
  };
  for (const transfer of transfers) {
    const firstSeenMs = transfer.occurredAt.getTime();
    for (const scope of scopesOf(transfer)) {
      touched.set(`${scope.level}\u0000${scope.scopeId}\u0000${scope.year}`, scope);
      const byClass = { nonSensitive: group(scope, 'nonSensitive'), sensitive: group(scope, 'sensitive') };
      for (const subject of transfer.subjects) {
        for (const dataClass of subject.classes) {
          const rows = byClass[dataClass];
          const existing = rows.get(subject.idHash);
          if (existing === undefined || existing > firstSeenMs) rows.set(subject.idHash, firstSeenMs);
        }
      }
    }
  }
  for (const { firstSeenMs } of set.groups) set.size += firstSeenMs.size;
  set.touched = [...touched.values()];
  return set;
}

const HASH_BYTES = 32;

/** RowBinary in pieces of `rowsPerChunk` rows (one socket write per row would be the bottleneck). */
export function* rowBinaryChunks(set: SubjectRowSet, rowsPerChunk = 16_384): Generator<Buffer> {
  const rowBytes = Math.max(0, ...set.groups.map((g) => g.prefix.length)) + HASH_BYTES + 8;
  let chunk = Buffer.allocUnsafe(rowsPerChunk * rowBytes);
  let offset = 0;
  let inChunk = 0;
  for (const { prefix, firstSeenMs } of set.groups) {
    for (const [idHash, ms] of firstSeenMs) {
      offset += prefix.copy(chunk, offset);
      offset += chunk.write(idHash, offset, HASH_BYTES, 'hex');
      // DateTime64(3) is an Int64 of milliseconds: written as two 32-bit halves (no BigInt per row).
      chunk.writeUInt32LE(ms % 0x1_0000_0000, offset);
      chunk.writeInt32LE(Math.floor(ms / 0x1_0000_0000), offset + 4);
      offset += 8;
      if (++inChunk === rowsPerChunk) {
        yield chunk.subarray(0, offset);
        chunk = Buffer.allocUnsafe(rowsPerChunk * rowBytes);
        offset = 0;
        inChunk = 0;
      }
    }
  }
  if (offset > 0) yield chunk.subarray(0, offset);
}
