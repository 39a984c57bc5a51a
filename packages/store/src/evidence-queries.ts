import type { ClickHouseClient } from '@clickhouse/client';
import type { DataClass } from '@pi-egress/domain';
import { createHash } from 'node:crypto';
import { selectRows } from './client.js';
import type { Incident } from './incidents.js';

/** An incident in an evidence pack. */
export type IncidentRecord = Omit<Incident, 'fingerprint' | 'year'>;
import { fromClickHouseTime, toClickHouseTime, zeroCounts, type ClassCounts, type ScopeKey } from './scope.js';
import { IN_FLIGHT_EVIDENCE_INSERTS, SCOPE_CONDITION, scopeParams } from './scope-sql.js';
import { TransferEvidence } from './transfer-evidence.js';

/**
 * Reads of an evidence pack, all "as of" an instant: a person belongs to a scope-year as of T when
 * the store had recorded them by T (the earliest `inserted_at` of their rows, server clock, ≤ T).
 * That earliest time never changes once settled, so the same T gives the same persons for ever;
 * their first-seen time is the earliest `occurredAt` stored for them (a late event with an earlier
 * time moves it, and the evidence then no longer verifies: the store did change).
 */
const PERSONS_AS_OF = `SELECT class, id_hash, min(first_seen) AS first_seen FROM subject_first_seen
  WHERE ${SCOPE_CONDITION} GROUP BY class, id_hash HAVING min(inserted_at) <= {asOf:DateTime64(3, 'UTC')}`;

export interface ClassDigest {
  count: number;
  /** SHA-256 of the first-seen lines (packages/domain/src/evidence-digest.ts), lower-case hex. */
  digest: string;
}

export class EvidenceQueries {
  readonly transfers: TransferEvidence;

  constructor(
    private readonly client: ClickHouseClient,
    /** How far "now" trails the server clock so that no insert still in flight is missed (usage.ts). */
    private readonly settleMs: number,
  ) {
    this.transfers = new TransferEvidence(client);
  }

  /**
   * The latest instant whose evidence can no longer change: server time minus the settle time, and
   * never past the start (less a second) of an insert still running into a table the pack reads —
   * rows become visible block by block up to the end of their insert, all stamped near its start.
   */
  async settledNow(): Promise<Date> {
    const [row] = await selectRows<{ now: string }>(
      this.client,
      `SELECT toString(toDateTime64(least(now64(6) - toIntervalMillisecond({settle:UInt64}), (${IN_FLIGHT_EVIDENCE_INSERTS})), 3)) AS now`,
      { settle: this.settleMs },
    );
    return fromClickHouseTime(row!.now);
  }

  /**
   * The instant of this call on the server clock, once every insert that started before it has
   * ended (polled every `pollMs`, for at most the settle time): a pack as of that instant holds
   * everything acknowledged before the call. When an insert is still running after the settle
   * time, the latest settled instant instead (earlier than the call; `complete` false), so the
   * answer never waits longer.
   */
  async latestAcknowledged(pollMs = 25): Promise<{ asOf: Date; complete: boolean }> {
    const clock = async () => {
      const [row] = await selectRows<{ now: string; floor: string }>(
        this.client,
        `SELECT toString(toDateTime64(now64(6), 3)) AS now, toString(toDateTime64((${IN_FLIGHT_EVIDENCE_INSERTS}), 3)) AS floor`,
      );
      return { now: fromClickHouseTime(row!.now), floor: fromClickHouseTime(row!.floor) };
    };
    const requested = (await clock()).now;
    const deadline = Date.now() + this.settleMs;
    for (;;) {
      if ((await clock()).floor >= requested) return { asOf: requested, complete: true };
      if (Date.now() >= deadline) return { asOf: await this.settledNow(), complete: false };
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Count and digest of one class, streaming the sorted first-seen lines out of the server straight
   * into SHA-256 (the order of the primary key, so the server aggregates in order without a sort
   * in memory). The server writes exactly the documented line format as TabSeparated.
   */
  async firstSeenDigest(key: ScopeKey, dataClass: DataClass, asOf: Date): Promise<ClassDigest> {
    const { stream } = await this.client.exec({
      query: `SELECT lower(hex(id_hash)), toUnixTimestamp64Milli(min(first_seen)) FROM subject_first_seen
              WHERE ${SCOPE_CONDITION} AND class = {class:String}
              GROUP BY id_hash HAVING min(inserted_at) <= {asOf:DateTime64(3, 'UTC')}
              ORDER BY id_hash FORMAT TabSeparated`,
      query_params: { ...scopeParams(key), class: dataClass, asOf: toClickHouseTime(asOf) },
      clickhouse_settings: { optimize_aggregation_in_order: 1 },
    });
    const hash = createHash('sha256');
    let count = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) count += 1;
    }
    return { count, digest: hash.digest('hex') };
  }

  /** Persons per class as of `asOf`. */
  async counts(key: ScopeKey, asOf: Date): Promise<ClassCounts> {
    const rows = await selectRows<{ class: DataClass; individuals: number }>(
      this.client,
      `SELECT toString(class) AS class, count() AS individuals FROM (${PERSONS_AS_OF}) GROUP BY class`,
      { ...scopeParams(key), asOf: toClickHouseTime(asOf) },
    );
    const counts = zeroCounts();
    for (const row of rows) counts[row.class] = Number(row.individuals);
    return counts;
  }

  /** New individuals per China-time month of their first-seen time, as of `asOf` (months with none omitted). */
  async monthlyNewIndividuals(key: ScopeKey, asOf: Date): Promise<Array<{ month: string; counts: ClassCounts }>> {
    const rows = await selectRows<{ month: string; class: DataClass; individuals: number }>(
      this.client,
      `SELECT formatDateTime(first_seen, '%Y-%m', 'Asia/Shanghai') AS month, toString(class) AS class, count() AS individuals
       FROM (${PERSONS_AS_OF}) GROUP BY month, class ORDER BY month, class`,
      { ...scopeParams(key), asOf: toClickHouseTime(asOf) },
    );
    const byMonth = new Map<string, ClassCounts>();
    for (const row of rows) {
      const counts = byMonth.get(row.month) ?? zeroCounts();
      counts[row.class] = Number(row.individuals);
      byMonth.set(row.month, counts);
    }
    return [...byMonth.entries()].map(([month, counts]) => ({ month, counts }));
  }

  /** The certificate scope as declared at `asOf` (its latest version stored by then), as stored JSON. */
  /** The scope versions declared by `asOf` (the legacy table's as first versions), oldest declaration first. */
  async versionsAsOf(certificateId: string, asOf: Date): Promise<Array<{ body: string; effectiveFrom: Date; declaredAt: Date }>> {
    const rows = await selectRows<{ body: string; effective_from: string; declared_at: string }>(
      this.client,
      `SELECT body, toString(effective) AS effective_from, toString(declared) AS declared_at FROM (
         SELECT body, toDateTime64(0, 3, 'UTC') AS effective, toDateTime64(updated_at, 6, 'UTC') AS declared FROM certificates
         WHERE certificate_id = {certificateId:String}
         UNION ALL
         SELECT body, effective_from AS effective, declared_at AS declared FROM scope_versions WHERE certificate_id = {certificateId:String})
       WHERE declared <= {asOf:DateTime64(6, 'UTC')}
       ORDER BY declared, effective`,
      { certificateId, asOf: toClickHouseTime(asOf) },
    );
    return rows.map((row) => ({
      body: row.body,
      effectiveFrom: fromClickHouseTime(row.effective_from),
      declaredAt: fromClickHouseTime(row.declared_at),
    }));
  }

  /** The incidents of a certificate's year as they stood at `asOf` (an acknowledgement after it shows as open). */
  async incidentsAsOf(certificateId: string, year: number, asOf: Date): Promise<IncidentRecord[]> {
    const rows = await selectRows<{
      incident_id: string;
      alertname: string;
      labels: Record<string, string>;
      summary: string;
      opened_text: string;
      acknowledged_text: string | null;
      acknowledged_by: string;
      token_fingerprint: string;
      note: string;
    }>(
      this.client,
      `SELECT incident_id, alertname, labels, summary, toString(opened_at) AS opened_text,
              if(acknowledged_at <= {asOf:DateTime64(3, 'UTC')}, toString(acknowledged_at), NULL) AS acknowledged_text,
              acknowledged_by, token_fingerprint, note
       FROM incidents WHERE labels['certificate_id'] = {certificateId:String} AND year = {year:UInt16}
         AND opened_at <= {asOf:DateTime64(3, 'UTC')} AND updated_at <= {asOf:DateTime64(6, 'UTC')}
       ORDER BY incident_id, updated_at DESC LIMIT 1 BY incident_id`,
      { certificateId, year, asOf: toClickHouseTime(asOf) },
    );
    return rows
      .map((row) => ({
        incidentId: row.incident_id,
        alertname: row.alertname,
        labels: row.labels,
        summary: row.summary,
        openedAt: fromClickHouseTime(row.opened_text).toISOString(),
        status: row.acknowledged_text ? ('acknowledged' as const) : ('open' as const),
        ...(row.acknowledged_text
          ? {
              acknowledgement: {
                at: fromClickHouseTime(row.acknowledged_text).toISOString(),
                role: row.acknowledged_by,
                tokenFingerprint: row.token_fingerprint,
                note: row.note,
              },
            }
          : {}),
      }))
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.incidentId.localeCompare(b.incidentId));
  }
}
