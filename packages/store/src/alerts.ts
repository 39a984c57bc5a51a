import type { ClickHouseClient } from '@clickhouse/client';
import { AlertInputs } from './alert-inputs.js';
import { selectRows } from './client.js';
import { fromClickHouseTime, toClickHouseTime } from './scope.js';

/** An alert as persisted: its labels (identity), annotations and since when it fires. */
export interface StoredAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
}

/** What `GET /v1/alerts` lists. */
export interface FiringAlert {
  alertname: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339. */
  startsAt: string;
}

export interface AlertHistoryEntry extends FiringAlert {
  status: 'firing' | 'resolved';
  /** When the transition happened, RFC 3339. */
  at: string;
}

export interface AlertChanges {
  /** When the evaluation happened (wall clock). */
  at: Date;
  fired: readonly StoredAlert[];
  /** Still firing, new annotations. */
  changed: readonly StoredAlert[];
  resolved: readonly StoredAlert[];
}

/** Most transitions one history read lists (an evidence pack states when it left some out). */
export const ALERT_HISTORY_LIMIT = 100_000;

export interface AlertHistoryFilter {
  certificateId?: string;
  from?: Date;
  to?: Date;
}

interface StateRow {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string;
}

/** Alert state (survives restarts) and history (evidence), plus the store reads the rules need. */
export class AlertStore {
  readonly inputs: AlertInputs;

  constructor(private readonly client: ClickHouseClient) {
    this.inputs = new AlertInputs(client);
  }

  /** Alerts firing as last recorded, oldest first. */
  async active(): Promise<StoredAlert[]> {
    const rows = await selectRows<StateRow>(
      this.client,
      `SELECT fingerprint, labels, annotations, toString(starts_at) AS starts_at
       FROM alert_state FINAL WHERE resolved_at IS NULL ORDER BY starts_at, fingerprint`,
    );
    return rows.map((row) => ({
      fingerprint: row.fingerprint,
      labels: row.labels,
      annotations: row.annotations,
      startsAt: fromClickHouseTime(row.starts_at),
    }));
  }

  /** Firing alerts for `GET /v1/alerts`. */
  async firing(): Promise<FiringAlert[]> {
    return (await this.active()).map(toFiringAlert);
  }

  /** Transitions, oldest first (at most `limit`, default ALERT_HISTORY_LIMIT); optionally of one certificate and within [from, to). */
  async history(filter: AlertHistoryFilter & { limit?: number } = {}): Promise<AlertHistoryEntry[]> {
    const { where, params } = historyWhere(filter);
    const rows = await selectRows<StateRow & { at: string; status: 'firing' | 'resolved' }>(
      this.client,
      `SELECT toString(at) AS at, status, fingerprint, labels, annotations, toString(starts_at) AS starts_at
       FROM alert_history WHERE ${where.join(' AND ')} ORDER BY at, fingerprint, status LIMIT {limit:UInt32}`,
      { ...params, limit: filter.limit ?? ALERT_HISTORY_LIMIT },
    );
    return rows.map((row) => ({
      ...toFiringAlert({ labels: row.labels, annotations: row.annotations, startsAt: fromClickHouseTime(row.starts_at) }),
      status: row.status,
      at: fromClickHouseTime(row.at).toISOString(),
    }));
  }

  /** How many transitions `history` would list without a limit. */
  async historyTotal(filter: AlertHistoryFilter = {}): Promise<number> {
    const { where, params } = historyWhere(filter);
    const [row] = await selectRows<{ n: string }>(
      this.client,
      `SELECT toString(count()) AS n FROM alert_history WHERE ${where.join(' AND ')}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  /** Persists one evaluation's transitions: state first (what a restart reads), then history. */
  async record(changes: AlertChanges): Promise<void> {
    const at = toClickHouseTime(changes.at);
    const state = [
      ...[...changes.fired, ...changes.changed].map((alert) => stateRow(alert, null)),
      ...changes.resolved.map((alert) => stateRow(alert, at)),
    ];
    if (state.length === 0) return;
    await this.client.insert({ table: 'alert_state', values: state, format: 'JSONEachRow' });
    const history = [
      ...changes.fired.map((alert) => historyRow(alert, 'firing', at)),
      ...changes.resolved.map((alert) => historyRow(alert, 'resolved', at)),
    ];
    if (history.length > 0) await this.client.insert({ table: 'alert_history', values: history, format: 'JSONEachRow' });
  }
}

/** The conditions of a history read (static SQL with {parameters}; only which apply varies) and their values. */
function historyWhere(filter: AlertHistoryFilter): { where: string[]; params: Record<string, unknown> } {
  const where = ['1'];
  if (filter.certificateId !== undefined) where.push('certificate_id = {certificateId:String}');
  // Table-qualified: a bare `at` would be the String alias of the history's SELECT.
  if (filter.from) where.push(`alert_history.at >= {from:DateTime64(3, 'UTC')}`);
  if (filter.to) where.push(`alert_history.at < {to:DateTime64(3, 'UTC')}`);
  return {
    where,
    params: { certificateId: filter.certificateId, from: filter.from && toClickHouseTime(filter.from), to: filter.to && toClickHouseTime(filter.to) },
  };
}

function toFiringAlert(alert: Pick<StoredAlert, 'labels' | 'annotations' | 'startsAt'>): FiringAlert {
  return {
    alertname: alert.labels.alertname ?? '',
    severity: alert.labels.severity ?? '',
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt.toISOString(),
  };
}

function stateRow(alert: StoredAlert, resolvedAt: string | null) {
  return {
    fingerprint: alert.fingerprint,
    alertname: alert.labels.alertname ?? '',
    severity: alert.labels.severity ?? '',
    labels: alert.labels,
    annotations: alert.annotations,
    starts_at: toClickHouseTime(alert.startsAt),
    resolved_at: resolvedAt,
  };
}

function historyRow(alert: StoredAlert, status: 'firing' | 'resolved', at: string) {
  return {
    at,
    status,
    fingerprint: alert.fingerprint,
    alertname: alert.labels.alertname ?? '',
    severity: alert.labels.severity ?? '',
    processor_id: alert.labels.processor_id ?? '',
    certificate_id: alert.labels.certificate_id ?? '',
    labels: alert.labels,
    annotations: alert.annotations,
    starts_at: toClickHouseTime(alert.startsAt),
  };
}
