import type { ClickHouseClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import { selectRows } from './client.js';
import { fromClickHouseTime, toClickHouseTime } from './scope.js';

export type IncidentStatus = 'open' | 'acknowledged';

/** A breach on record: opened when its alert fired, kept until a person acknowledges it. */
export interface Incident {
  incidentId: string;
  year: number;
  alertname: string;
  fingerprint: string;
  labels: Record<string, string>;
  summary: string;
  openedAt: string;
  status: IncidentStatus;
  acknowledgement?: { at: string; role: string; tokenFingerprint: string; note: string };
}

export interface IncidentOpening {
  year: number;
  alertname: string;
  fingerprint: string;
  labels: Record<string, string>;
  summary: string;
  openedAt: Date;
}

interface Row {
  incident_id: string;
  year: number;
  alertname: string;
  fingerprint: string;
  labels: Record<string, string>;
  summary: string;
  opened_at: string;
  status: IncidentStatus;
  acknowledged_at: string | null;
  acknowledged_by: string;
  token_fingerprint: string;
  note: string;
}

const COLUMNS = `incident_id, year, alertname, fingerprint, labels, summary, toString(opened_at) AS opened_at, toString(status) AS status,
  toString(acknowledged_at) AS acknowledged_at, acknowledged_by, token_fingerprint, note`;

function toIncident(row: Row): Incident {
  const incident: Incident = {
    incidentId: row.incident_id,
    year: Number(row.year),
    alertname: row.alertname,
    fingerprint: row.fingerprint,
    labels: row.labels,
    summary: row.summary,
    openedAt: fromClickHouseTime(row.opened_at).toISOString(),
    status: row.status,
  };
  if (row.status === 'acknowledged' && row.acknowledged_at) {
    incident.acknowledgement = {
      at: fromClickHouseTime(row.acknowledged_at).toISOString(),
      role: row.acknowledged_by,
      tokenFingerprint: row.token_fingerprint,
      note: row.note,
    };
  }
  return incident;
}

/** Incidents (SPEC §6): one per breach of an alert identity, open until acknowledged. */
export class IncidentStore {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Opens an incident for each breach that has no open one for the same alert identity. The id is
   * derived from the identity and the opening time, so two writers opening the same breach write
   * the same row (the replacing table keeps one).
   */
  async open(openings: readonly IncidentOpening[]): Promise<Incident[]> {
    if (openings.length === 0) return [];
    const alreadyOpen = new Set(
      (
        await selectRows<{ fingerprint: string }>(
          this.client,
          `SELECT fingerprint FROM incidents FINAL WHERE status = 'open' AND fingerprint IN {fingerprints:Array(String)}`,
          { fingerprints: openings.map((o) => o.fingerprint) },
        )
      ).map((row) => row.fingerprint),
    );
    const fresh = openings.filter((o) => !alreadyOpen.has(o.fingerprint));
    if (fresh.length === 0) return [];
    const rows = fresh.map((o) => ({
      incident_id: createHash('sha256').update(`${o.fingerprint}\u0000${o.openedAt.toISOString()}`).digest('hex').slice(0, 20),
      year: o.year,
      alertname: o.alertname,
      fingerprint: o.fingerprint,
      labels: o.labels,
      summary: o.summary,
      opened_at: toClickHouseTime(o.openedAt),
      status: 'open',
      acknowledged_at: null,
      acknowledged_by: '',
      token_fingerprint: '',
      note: '',
    }));
    await this.client.insert({ table: 'incidents', values: rows, format: 'JSONEachRow' });
    return this.byIds(rows.map((r) => r.incident_id));
  }

  async list(
    filter: { year?: number | undefined; status?: IncidentStatus | undefined; certificateId?: string | undefined } = {},
  ): Promise<Incident[]> {
    const conditions = ['1'];
    if (filter.year !== undefined) conditions.push('year = {year:UInt16}');
    if (filter.status !== undefined) conditions.push('status = {status:String}');
    if (filter.certificateId !== undefined) conditions.push(`labels['certificate_id'] = {certificateId:String}`);
    const rows = await selectRows<Row>(
      this.client,
      `SELECT ${COLUMNS} FROM incidents FINAL WHERE ${conditions.join(' AND ')} ORDER BY opened_at, incident_id`,
      filter,
    );
    return rows.map(toIncident);
  }

  async get(incidentId: string): Promise<Incident | undefined> {
    return (await this.byIds([incidentId]))[0];
  }

  /** Records who acknowledged the incident, when and why; an acknowledged one stays so. */
  async acknowledge(incidentId: string, by: { role: string; tokenFingerprint: string; note: string; at: Date }): Promise<Incident | undefined> {
    const current = await this.get(incidentId);
    if (!current || current.status === 'acknowledged') return current;
    await this.client.insert({
      table: 'incidents',
      values: [
        {
          incident_id: current.incidentId,
          year: current.year,
          alertname: current.alertname,
          fingerprint: current.fingerprint,
          labels: current.labels,
          summary: current.summary,
          opened_at: toClickHouseTime(new Date(current.openedAt)),
          status: 'acknowledged',
          acknowledged_at: toClickHouseTime(by.at),
          acknowledged_by: by.role,
          token_fingerprint: by.tokenFingerprint,
          note: by.note,
        },
      ],
      format: 'JSONEachRow',
    });
    return this.get(incidentId);
  }

  private async byIds(ids: readonly string[]): Promise<Incident[]> {
    const rows = await selectRows<Row>(
      this.client,
      `SELECT ${COLUMNS} FROM incidents FINAL WHERE incident_id IN {ids:Array(String)} ORDER BY opened_at`,
      {
        ids,
      },
    );
    return rows.map(toIncident);
  }
}
