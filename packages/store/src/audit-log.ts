import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { toClickHouseTime } from './scope.js';

/** What the API records of an admin or auditor request. Holds no body and no subject id. */
export interface AuditAction {
  requestId: string;
  role: string;
  /** Identifies the token without revealing it (see services/api/src/auth.ts). */
  tokenFingerprint: string;
  /** Method and route pattern, e.g. `GET /v1/certificates/:id/evidence`. */
  action: string;
  targetType: 'certificate' | 'processor' | 'group' | 'incident' | '';
  targetId: string;
  status: number;
  remoteAddress: string;
  /** Path parameters, query and any route-chosen fields, as JSON. */
  detail: string;
}

export interface AuditEntry extends AuditAction {
  /** Server time of the record, RFC 3339 with microseconds. */
  at: string;
}

export interface AuditTarget {
  targetType: AuditAction['targetType'];
  targetId: string;
}

interface AuditRow {
  at_text: string;
  request_id: string;
  role: string;
  token_fingerprint: string;
  action: string;
  target_type: AuditAction['targetType'];
  target_id: string;
  status: number;
  remote_address: string;
  detail: string;
}

/** ISO time keeping ClickHouse's microseconds, so entries of one millisecond still sort apart. */
function microIso(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

/** The audit log (migration 0003): append-only, timestamped by the server. */
export class AuditLog {
  constructor(private readonly client: ClickHouseClient) {}

  async record(action: AuditAction): Promise<void> {
    await this.client.insert({
      table: 'audit_log',
      values: [
        {
          request_id: action.requestId,
          role: action.role,
          token_fingerprint: action.tokenFingerprint,
          action: action.action,
          target_type: action.targetType,
          target_id: action.targetId,
          status: action.status,
          remote_address: action.remoteAddress,
          detail: action.detail,
        },
      ],
      format: 'JSONEachRow',
    });
  }

  /** Entries about any of `targets` recorded in [from, asOf], oldest first. */
  async entries(targets: readonly AuditTarget[], from: Date, asOf: Date): Promise<AuditEntry[]> {
    const rows = await selectRows<AuditRow>(
      this.client,
      `SELECT toString(at) AS at_text, request_id, role, token_fingerprint, action, target_type, target_id, status, remote_address, detail
       FROM audit_log
       WHERE (target_type, target_id) IN (SELECT arrayJoin(arrayZip({types:Array(String)}, {ids:Array(String)})))
         AND at >= {from:DateTime64(3, 'UTC')} AND at <= {asOf:DateTime64(3, 'UTC')}
       ORDER BY at, request_id`,
      { types: targets.map((t) => t.targetType), ids: targets.map((t) => t.targetId), from: toClickHouseTime(from), asOf: toClickHouseTime(asOf) },
    );
    return rows.map((row) => ({
      at: microIso(row.at_text),
      requestId: row.request_id,
      role: row.role,
      tokenFingerprint: row.token_fingerprint,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      status: Number(row.status),
      remoteAddress: row.remote_address,
      detail: row.detail,
    }));
  }
}
